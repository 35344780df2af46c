"""The widget as a test sees it: find its parts by role and label, the way people and screen
readers find them, plus the measurements the accessibility checks need."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "results" / "browser"
REPLY_TIMEOUT_MS = 30_000


class Widget:
    def __init__(self, page: Page, text: Dict[str, str]) -> None:
        self.page = page
        self.text = text
        self.log = page.get_by_role("log", name=text["log_label"])
        self.status = page.get_by_role("status")
        self.input = page.get_by_label(text["input_label"])
        self.panel = page.get_by_role("dialog", name=text["title"])

    @property
    def launcher(self):
        return self.page.get_by_role("button", name=self.text["launcher"])

    @property
    def exit_button(self):
        return self.page.get_by_role("button", name=self.text["exit_button"])

    def open(self) -> None:
        self.launcher.click()
        expect(self.status).to_have_text(self.text["status_online"], timeout=REPLY_TIMEOUT_MS)

    def say(self, message: str) -> None:
        self.input.fill(message)
        self.input.press("Enter")

    def choose(self, title: str) -> None:
        self.log.get_by_role("button", name=title, exact=True).last.click()

    def expect_said(self, fragment: str) -> None:
        expect(self.log).to_contain_text(fragment, timeout=REPLY_TIMEOUT_MS)

    def bot_messages(self):
        return self.page.locator(".noc-bot .noc-text").all_inner_texts()

    def traces(self) -> Dict:
        """What this origin has kept in the browser that a script can see."""
        return self.page.evaluate(
            "() => ({local: localStorage.length, session: sessionStorage.length,"
            " cookies: document.cookie})"
        )


def focused_name(page: Page) -> str:
    """The accessible name of the focused element, roughly: aria-label, else its text, else id."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            if (!e || e === document.body) return "";
            return (e.getAttribute("aria-label") || e.innerText || e.id || "").trim();
        }"""
    )


# Contrast of text against the first opaque background behind it (WCAG 2 formula).
CONTRAST_JS = """(selectors) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (e) => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const sel of selectors) {
    const e = document.querySelector(sel);
    if (!e) { out[sel] = null; continue; }
    const fg = lum(rgb(getComputedStyle(e).color).slice(0, 3));
    const bg = lum(background(e));
    out[sel] = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  }
  return out;
}"""


def contrast_ratios(page: Page, selectors) -> Dict[str, float]:
    return page.evaluate(CONTRAST_JS, list(selectors))


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"\n    screenshot: {path.relative_to(ROOT)}")
    return path
