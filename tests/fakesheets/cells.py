"""Cell values: USER_ENTERED parsing (en_US), number formatting and value rendering."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "TIME", "DATE_TIME")
DEFAULT_PATTERNS = {
    "DATE": "M/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "M/d/yyyy H:mm:ss",
    "PERCENT": "0.00%",
    "CURRENCY": '"$"#,##0.00',
    "NUMBER": "#,##0.00",
}
VALUE_KEYS = ("userEnteredValue", "effectiveValue", "formattedValue")

_NUM = re.compile(r"^([+-])?(\$)?(\d{1,3}(?:,\d{3})+|\d*)(\.\d*)?(?:[eE]([+-]?\d+))?(%)?$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
_LITERAL = re.compile(r'"([^"]*)"|\\(.)|\[\$([^\]-]*)[^\]]*\]')
_DT_TOKEN = re.compile(
    r'"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|.', re.IGNORECASE
)


def to_serial(dt: datetime) -> float:
    """Days since 1899-12-30, time of day as the fraction."""
    delta = dt - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> datetime:
    return EPOCH + timedelta(seconds=round(serial * 86400))


def _number(text: str) -> tuple[float, dict[str, Any] | None] | None:
    m = _NUM.match(text)
    if not m:
        return None
    sign, dollar, whole, frac, exp, pct = m.groups()
    if not re.search(r"\d", whole + (frac or "")) or (dollar and pct):
        return None
    value = float((whole.replace(",", "") or "0") + (frac or "") + (f"e{exp}" if exp else ""))
    value = -value if sign == "-" else value
    if pct:
        pattern = "0.00%" if frac and len(frac) > 1 else "0%"
        return value / 100, {"type": "PERCENT", "pattern": pattern}
    if dollar:
        return value, {"type": "CURRENCY", "pattern": DEFAULT_PATTERNS["CURRENCY"]}
    return value, None


def _time(text: str) -> timedelta | None:
    m = _TIME.match(text)
    if not m:
        return None
    h, mi, s, ampm = int(m[1]), int(m[2]), int(m[3] or 0), (m[4] or "").upper()
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm == "PM" else 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return timedelta(hours=h, minutes=mi, seconds=s)


def _date(text: str) -> datetime | None:
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _US.match(text):
        mo, d, y = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            y += 2000 if y < 30 else 1900
    else:
        return None
    try:
        return datetime(y, mo, d)
    except ValueError:
        return None


def _datetime(text: str) -> tuple[float, dict[str, Any]] | None:
    parts = text.split(None, 1)
    day = _date(parts[0])
    if day is None:
        t = _time(text)
        return (t.total_seconds() / 86400, {"type": "TIME"}) if t is not None else None
    if len(parts) == 1:
        return to_serial(day), {"type": "DATE"}
    t = _time(parts[1])
    return (to_serial(day + t), {"type": "DATE_TIME"}) if t is not None else None


def parse_user_entered(
    text: str, format_type: str | None = None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Interpret text as if typed into a cell: returns (userEnteredValue, numberFormat|None)."""
    if format_type == "TEXT":
        return {"stringValue": text}, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"boolValue": stripped.upper() == "TRUE"}, None
    if (num := _number(stripped)) is not None:
        return {"numberValue": num[0]}, num[1]
    if (dt := _datetime(stripped)) is not None:
        return {"numberValue": dt[0]}, dt[1]
    return {"stringValue": text}, None


def number_format(cell: dict[str, Any] | None) -> dict[str, Any] | None:
    return ((cell or {}).get("userEnteredFormat") or {}).get("numberFormat")


def set_value(cell: dict[str, Any], value: Any, user_entered: bool) -> None:
    """Write a values-API value (str/number/bool; "" clears) into a CellData dict."""
    for key in VALUE_KEYS:
        cell.pop(key, None)
    if isinstance(value, str) and value == "":
        return
    fmt: dict[str, Any] | None = None
    if isinstance(value, bool):
        uev: dict[str, Any] = {"boolValue": value}
    elif isinstance(value, int | float):
        uev = {"numberValue": float(value)}
    elif user_entered:
        uev, fmt = parse_user_entered(str(value), (number_format(cell) or {}).get("type"))
    else:
        uev = {"stringValue": str(value)}
    cell["userEnteredValue"] = uev
    if fmt and not number_format(cell):
        cell["userEnteredFormat"] = {**cell.get("userEnteredFormat", {}), "numberFormat": fmt}
    refresh(cell)


def refresh(cell: dict[str, Any]) -> None:
    """Recompute effectiveValue/formattedValue (formulas are not evaluated)."""
    cell.pop("effectiveValue", None)
    cell.pop("formattedValue", None)
    uev = cell.get("userEnteredValue")
    if not uev or "formulaValue" in uev:
        return
    cell["effectiveValue"] = dict(uev)
    cell["formattedValue"] = format_extended(uev, number_format(cell))


def format_extended(value: dict[str, Any], fmt: dict[str, Any] | None) -> str:
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "numberValue" in value:
        return format_number(float(value["numberValue"]), fmt)
    return "#ERROR!"


def general(x: float) -> str:
    """Google's General number format."""
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    s = f"{x:.10g}"
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    return s


def format_number(x: float, fmt: dict[str, Any] | None) -> str:
    kind = (fmt or {}).get("type")
    pattern = (fmt or {}).get("pattern") or DEFAULT_PATTERNS.get(kind or "")
    if kind in DATE_TYPES and pattern:
        return format_datetime(x, pattern)
    if pattern and kind not in (None, "TEXT"):
        return format_numeric(x, pattern)
    return general(x)


def format_numeric(x: float, pattern: str) -> str:
    """A small subset of number patterns: literals, 0/#, thousands ',', decimals, '%'."""
    pattern = pattern.split(";")[0]
    m = re.search(r"[#0?][#0?,]*(?:\.[#0?]*)?", pattern)
    if not m:
        return general(x)
    prefix, suffix = _literal(pattern[: m.start()]), _literal(pattern[m.end() :])
    core = m.group(0)
    value = x * 100 if "%" in suffix else x
    whole, _, dec = core.partition(".")
    text = f"{abs(value):{',' if ',' in whole else ''}.{len(dec)}f}"
    keep = len(dec.rstrip("#?"))
    if len(dec) > keep:
        head, _, tail = text.partition(".")
        tail = tail[:keep] + tail[keep:].rstrip("0")
        text = head + ("." + tail if tail else "")
    if "0" not in whole and text.startswith("0."):
        text = text[1:]
    sign = "-" if value < 0 and re.search(r"[1-9]", text) else ""
    return sign + prefix + text + suffix


def _literal(text: str) -> str:
    return _LITERAL.sub(lambda g: next((p for p in g.groups() if p is not None), ""), text)


def format_datetime(serial: float, pattern: str) -> str:
    """Format a serial number with a date/time pattern (y, m, d, h, s, am/pm tokens)."""
    dt = from_serial(serial)
    tokens = _DT_TOKEN.findall(pattern)
    twelve = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in ("m", "mm"):
            before = [t.lower() for t in tokens[:i] if t.strip() and t.isalpha()]
            after = [t.lower() for t in tokens[i + 1 :] if t.strip() and t.isalpha()]
            minutes = (before and before[-1] in ("h", "hh")) or (after and after[0] in ("s", "ss"))
            v = dt.minute if minutes else dt.month
            out.append(f"{v:02d}" if low == "mm" else str(v))
        elif low in ("h", "hh"):
            v = dt.hour % 12 or 12 if twelve else dt.hour
            out.append(f"{v:02d}" if low == "hh" else str(v))
        elif low in ("s", "ss"):
            out.append(f"{dt.second:02d}" if low == "ss" else str(dt.second))
        elif low in ("d", "dd"):
            out.append(f"{dt.day:02d}" if low == "dd" else str(dt.day))
        elif low in ("ddd", "dddd"):
            out.append(dt.strftime("%a" if low == "ddd" else "%A"))
        elif low in ("mmm", "mmmm"):
            out.append(dt.strftime("%b" if low == "mmm" else "%B"))
        elif low in ("yy", "yyyy"):
            out.append(str(dt.year) if low == "yyyy" else f"{dt.year % 100:02d}")
        elif low in ("am/pm", "a/p"):
            ampm = "AM" if dt.hour < 12 else "PM"
            out.append(ampm if low == "am/pm" else ampm[0])
        elif tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        else:
            out.append(tok)
    return "".join(out)


def is_blank(cell: dict[str, Any] | None) -> bool:
    """True when the cell holds no value (formatting and notes do not count)."""
    return not cell or "userEnteredValue" not in cell


def python_value(cell: dict[str, Any] | None) -> Any:
    """The effective value as python: str, float, bool or None (also for formulas)."""
    ev = (cell or {}).get("effectiveValue") or {}
    for key in ("stringValue", "boolValue"):
        if key in ev:
            return ev[key]
    if "numberValue" in ev:
        return float(ev["numberValue"])
    return None


def render(cell: dict[str, Any] | None, option: str, dt_option: str) -> Any:
    """A cell as the values API renders it for a valueRenderOption/dateTimeRenderOption."""
    if is_blank(cell):
        return ""
    assert cell is not None
    uev = cell["userEnteredValue"]
    if option == "FORMULA" and "formulaValue" in uev:
        return uev["formulaValue"]
    if option == "FORMATTED_VALUE":
        return cell.get("formattedValue", "")
    ev = cell.get("effectiveValue") or {}
    if "numberValue" in ev:
        if dt_option == "FORMATTED_STRING" and (number_format(cell) or {}).get("type") in (
            DATE_TYPES
        ):
            return cell.get("formattedValue", "")
        return float(ev["numberValue"])
    return ev.get("stringValue", ev.get("boolValue", ""))
