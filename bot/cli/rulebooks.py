"""``floorbot rulebooks list|show|check``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import all_rulebooks, fail, rulebook, settings

if TYPE_CHECKING:
    from scoring.rulebook import (
        Item,
        Rulebook,
    )

app = typer.Typer(help="List, show and check contract rulebooks.", no_args_is_help=True)

Lang = Annotated[
    str | None, typer.Option("--lang", metavar="LANG", help="zh or en (default: the setting)")
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="rulebooks")


def _lang(lang: str | None) -> str:
    chosen = lang or settings().default_language
    if chosen not in ("zh", "en"):
        fail(f"--lang must be zh or en, not {chosen!r}")
    return chosen


@app.command("list")
def list_rulebooks(lang: Lang = None) -> None:
    """Every rulebook: id, client, assessment period, validity."""
    language = _lang(lang)
    typer.echo("rulebook\tclient\tperiod\tvalid")
    for book in all_rulebooks(settings()).values():
        c = book.contract
        period = book.period.unit
        typer.echo(f"{book.id}\t{c.client.get(language)}\t{period}\t{c.valid_from}..{c.valid_to}")


def _item_text(item: Item, lang: str) -> str:
    from scoring.rulebook import ItemKind
    from scoring.xlsx import UNIT_ZH

    unit = UNIT_ZH.get(item.unit.value, "") if lang == "zh" else f"per {item.unit.value}"
    if item.tiers:
        rule = "; ".join(
            f"{tier.label.get(lang) if tier.label else tier.describe()}: "
            + (
                f"{tier.points}"
                if tier.points is not None
                else f"{tier.amount or tier.percent_of_price}"
            )
            for tier in item.tiers
        )
    elif item.kind is ItemKind.KPI and item.kpi is not None:
        rule = f"target {item.kpi.target.describe()} ({item.kpi.period.value}), "
        rule += f"{item.kpi.amount_per_miss} CNY per miss"
    elif item.kind is ItemKind.FEE:
        rule = f"{item.amount} CNY"
    elif item.points is not None:
        sign = "+" if item.kind is ItemKind.BONUS else "-"
        rule = f"{sign}{item.points}"
    else:
        rule = item.kind.value
    cap = f" (cap {item.cap})" if item.cap is not None else ""
    alias = f" /{item.alias}" if item.alias else ""
    return f"    {item.code}{alias}: {item.label.get(lang)} — {unit} {rule}{cap} [{item.clause}]"


def _rule(key: str, lang: str, **params: object) -> str:
    from bot.texts.i18n import t

    return t(lang, f"rulebook_{key}", **params)


def _word(lang: str, word: str) -> str:
    from bot.texts.i18n import t

    return t(lang, f"rulebook_word_{word}")


def _rules(book: Rulebook, lang: str) -> list[str]:
    """The term, the range rule, what is measured every period, the warnings and breaches."""
    from bot.texts.i18n import t
    from scoring.ranges import NO_RULE
    from scoring.rulebook import Bounds, RatingComponent, TurnoverComponent
    from scoring.term import term_of

    out = [_rule("term", lang, term=term_of(book).text().get(lang))]
    rule = book.period.range.label.get(lang) if book.period.range else NO_RULE.get(lang)
    out.append(_rule("range", lang, unit=_word(lang, book.period.unit), rule=rule))
    measured = []
    for item in book.items:
        if item.kpi is not None:
            when = "; ".join(f"{w.label.get(lang)} [{w.clause}]" for w in item.kpi.windows) or t(
                lang, f"rulebook_each_{item.kpi.period.value}"
            )
            measured.append(f"{item.code}: {when}")
        elif item.expected:
            measured.append(f"{item.code}: {_rule('expected', lang)}")
    for comp in book.components:
        if isinstance(comp, TurnoverComponent):
            names = ", ".join((comp.headcount_start, comp.headcount_end, comp.leavers))
            measured.append(f"{comp.code}: {_rule('turnover', lang, items=names)}")
        elif isinstance(comp, RatingComponent):
            measured.append(f"{comp.code}: {_rule('rating', lang)}")
    if measured:
        out.append(_rule("measured", lang))
        out.extend(f"    {m}" for m in measured)
    if book.warnings or book.breaches:
        out.append(_rule("warnings", lang))
    for w in book.warnings:
        test = _rule(
            "below",
            lang,
            count=w.count,
            mode=_word(lang, w.mode),
            unit=_word(lang, w.unit),
            below=w.below,
        )
        out.append(f"    {w.code}: {w.label.get(lang)} — {test} [{w.clause}]")
    for b in book.breaches:
        bounds = []
        if b.quantity != Bounds():
            bounds.append(f"{_word(lang, 'quantity')} {b.quantity.describe()}")
        if b.value != Bounds():
            bounds.append(f"{_word(lang, 'value')} {b.value.describe()}")
        test = f" ({', '.join(bounds)})" if bounds else ""
        claim = ""
        if b.amount is not None:
            top = f"–{b.amount_max}" if b.amount_max is not None else ""
            claim = _rule("claim", lang, amount=f"{b.amount}{top} CNY")
        elif b.amount_note is not None:
            claim = _rule("claim", lang, amount=b.amount_note.get(lang))
        found = _rule("breach", lang, items="/".join(b.items), test=test)
        out.append(f"    {b.code}: {b.label.get(lang)} — {found}{claim} [{b.clause}]")
    return out


def _show(book: Rulebook, lang: str) -> list[str]:
    from scoring.rulebook import walk_sections

    c = book.contract
    out = [
        f"{book.id} (v{book.version}) — {book.title.get(lang)}",
        f"  client: {c.client.get(lang)}; vendor: {c.vendor.get(lang)}",
        f"  valid {c.valid_from}..{c.valid_to}, {c.timezone}, period: {book.period.unit}",
        *_rules(book, lang),
    ]
    if c.price is not None:
        out.append(f"  price: {c.price} CNY [{c.price_clause or ''}]")
    for comp in book.components:
        out.append(f"  component {comp.code}: {comp.label.get(lang)} ×{comp.weight}")
    placed: set[str] = set()
    for card in book.cards:
        for section in walk_sections(card.sections):
            cap = f" (cap {section.cap})" if section.cap is not None else ""
            out.append(f"  [{section.code}] {section.label.get(lang)}{cap}")
            for item in book.items:
                if item.section == section.code:
                    out.append(_item_text(item, lang))
                    placed.add(item.code)
    rest = [i for i in book.items if i.code not in placed]
    if rest:
        out.append("  other items:" if lang == "en" else "  其他项目：")
        out.extend(_item_text(i, lang) for i in rest)
    return out


@app.command("show")
def show(
    book_id: Annotated[str, typer.Argument(help="rulebook id", metavar="RULEBOOK")],
    lang: Lang = None,
) -> None:
    """Every line of one rulebook, in the chosen language."""
    language = _lang(lang)
    typer.echo("\n".join(_show(rulebook(settings(), book_id), language)))


@app.command("check")
def check(
    files: Annotated[
        list[Path], typer.Argument(help="rulebook YAML files to validate", metavar="FILE...")
    ],
) -> None:
    """Validate rulebook files: exit 0 with a summary, or non-zero with file, field and reason."""
    from scoring.loader import RulebookError, load_rulebook
    from scoring.rulebook import ItemKind

    bad = 0
    for path in files:
        try:
            book = load_rulebook(path)
        except RulebookError as exc:
            bad += 1
            typer.echo(str(exc), err=True)
            continue
        counts = {k: sum(1 for i in book.items if i.kind is k) for k in ItemKind}
        summary = ", ".join(f"{n} {k.value}" for k, n in counts.items() if n)
        typer.echo(f"{path}: ok — {book.id} v{book.version}, {len(book.items)} items ({summary})")
    if bad:
        raise typer.Exit(1)
