from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """63.5 → '63,5 %'; None → '–' (nothing to rate yet)."""
    if value is None:
        return "–"
    text = f"{value:.1f}".replace(".", ",")
    return f"{text.removesuffix(',0')} %"


@register.filter
def count_of(counts, code: str) -> int:
    return counts.counts.get(code, 0)


@register.filter
def indent(depth: int) -> str:
    return f"tree-indent-{min(int(depth or 0), 3)}" if depth else ""
