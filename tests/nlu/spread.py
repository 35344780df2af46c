"""How the training data is spread, per intent: who writes, how long, in what form and words.

The data is written on purpose by different kinds of writers (one file per voice under
data/nlu/<group>/), and this counts what each intent holds so the spread stays visible:

- stories: 3 or more sentences (split by the same sentence splitter the classifier uses);
- headings: Title Case, as on legal-information pages;
- caps: ALL CAPITALS; bare: no punctuation at all;
- statements: no sentence is a question ("she keeps texting me");
- us: US words (restraining order, protective order, PFA, TRO, the DA, prosecutor, defendant);
- roles: which writers it names (accused, protected person, family, surety).

    python -m tests.nlu.spread            # the table
    python -m tests.nlu.spread --intent ask_how_to_lift
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

from bot.nlu.question_focus import questions, split_sentences

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "nlu"

US_WORDS = re.compile(
    r"\b(restraining order|protective order|protection order|order of protection|pfa|tro|"
    r"no[- ]contact bond|the da|district attorney|prosecutor|defendant|plaintiff|petitioner|"
    r"respondent|misdemeanor|felony|stay[- ]away)\b",
    re.I,
)
ROLE_WORDS = {
    "accused": re.compile(r"\b(i'?m|i am|i was|im) (on bail|the accused|charged|the defendant)|"
                          r"\bmy (bail|conditions|undertaking|probation)\b|\bi (got|was) charged\b", re.I),
    "protected": re.compile(r"\b(i'?m|i am|im) the (victim|complainant|protected)|\bprotects me\b|"
                            r"\b(he|she)('?s| is) not allowed (to|near)\b|\bmy abuser\b", re.I),
    "family": re.compile(r"\bmy (son|daughter|brother|sister|mom|mother|dad|father|nephew|niece|"
                         r"cousin|friend|grandson|granddaughter)('?s)?\b", re.I),
    "surety": re.compile(r"\bsurety\b|\bbailor\b", re.I),
}  # fmt: skip


# Words that danger, self-harm and pressure messages use. A training example of any other intent
# that has one is a hard negative: it teaches the classifier that "can he call me", "what if he
# shows up at court" or "killing time before court" is a question, not danger.
SAFETY_WORDS = re.compile(
    r"\b(contact\w*|call\w*|text\w*|drop\w*|threat\w*|kill\w*|hurt\w*|scared|afraid|fear\w*|"
    r"danger\w*|weapon\w*|gun|knife|follow\w*|outside|show(s|ed)? up|hit|assault\w*|violen\w*|"
    r"harass\w*|safe\w*|pressur\w*|die|dying|suicid\w*|stalk\w*|track\w*|door|breach\w*)\b",
    re.I,
)
SAFETY_INTENTS = (
    "report_danger",
    "report_self_harm",
    "report_pressure",
    "ask_influence_complainant",
)


def hard_negatives(folder: Path = DATA) -> Counter:
    """Per intent, the examples outside the safety intents that share the safety words."""
    return Counter(
        intent
        for intent, text, _ in examples(folder)
        if intent not in SAFETY_INTENTS and SAFETY_WORDS.search(text)
    )


@dataclass
class Spread:
    total: int = 0
    forms: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    files: Counter = field(default_factory=Counter)


def examples(folder: Path = DATA) -> Iterator[Tuple[str, str, str]]:
    """(intent, text, voice file) for every training example."""
    for path in sorted(folder.rglob("*.yml")):
        voice = str(path.relative_to(folder))
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                for line in block["examples"].splitlines():
                    if line.strip().startswith("- "):
                        yield block["intent"], line.strip()[2:], voice


def forms_of(text: str) -> List[str]:
    forms = []
    sentences = split_sentences(text)
    if len(sentences) >= 3:
        forms.append("stories")
    words = re.findall(r"[A-Za-z][A-Za-z']*", text)
    long_words = [w for w in words if len(w) > 3]
    capitalised = sum(w[0].isupper() for w in long_words) / max(len(long_words), 1)
    if len(long_words) >= 3 and not text.isupper() and capitalised >= 0.8:
        forms.append("headings")
    if len(words) >= 3 and text.isupper():
        forms.append("caps")
    if not re.search(r"[.,!?;:'\"()-]", text):
        forms.append("bare")
    if sentences and not questions(sentences):
        forms.append("statements")
    if US_WORDS.search(text):
        forms.append("us")
    return forms


def spread(folder: Path = DATA) -> Dict[str, Spread]:
    table: Dict[str, Spread] = defaultdict(Spread)
    for intent, text, voice in examples(folder):
        row = table[intent]
        row.total += 1
        row.files[voice] += 1
        row.forms.update(forms_of(text))
        row.roles.update(role for role, pattern in ROLE_WORDS.items() if pattern.search(text))
    return dict(table)


FORM_COLUMNS = ("stories", "headings", "caps", "bare", "statements", "us")


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intent")
    args = parser.parse_args(argv)
    table = spread()
    if args.intent:
        row = table[args.intent]
        print(f"{args.intent}: {row.total} examples")
        for voice, n in row.files.most_common():
            print(f"  {n:>4}  {voice}")
        return 0
    header = f"{'intent':<28}{'n':>5}{'files':>6}" + "".join(f"{c:>11}" for c in FORM_COLUMNS)
    header += "".join(f"{r:>10}" for r in ROLE_WORDS)
    print(header)
    for intent in sorted(table):
        row = table[intent]
        line = f"{intent:<28}{row.total:>5}{len(row.files):>6}"
        line += "".join(f"{row.forms[c]:>11}" for c in FORM_COLUMNS)
        line += "".join(f"{row.roles[r]:>10}" for r in ROLE_WORDS)
        print(line)
    print(f"{'all':<28}{sum(r.total for r in table.values()):>5}")
    negatives = hard_negatives()
    print(f"hard negatives (other intents that use the safety words): {sum(negatives.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
