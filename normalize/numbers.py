"""Reading amounts as people write them: "1,750", "1.750", "1 750", "17,900.50", "17.900,50".

Hand-written rather than babel/price-parser: those need the page's locale (which portals do not state) or
guess "1.750" as 1.75; tuition amounts never carry three decimals, so one separator followed by exactly three
digits is a thousands separator whatever the locale. The rules are short and tested string by string.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

NUMBER = re.compile(r"\d[\d.,\u00a0\u202f\u2009 ]*\d|\d")


def parse_amount(text: str) -> Decimal | None:
    digits = re.sub(r"(?<=\d)[\u00a0\u202f\u2009 ](?=\d{3}\b)", "", text.strip())
    if not re.fullmatch(r"\d[\d.,]*", digits):
        return None
    if "," in digits and "." in digits:
        decimal_sep = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        digits = digits.replace(thousands, "").replace(decimal_sep, ".")
    else:
        for sep in ",.":
            if sep not in digits:
                continue
            groups = digits.split(sep)
            if len(groups) > 2 or len(groups[-1]) == 3:  # thousands: "1,750", "1.000.000"
                if not all(len(g) == 3 for g in groups[1:]):
                    return None
                digits = digits.replace(sep, "")
            else:  # a decimal: "17,5", "17.50"
                digits = digits.replace(sep, ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None
