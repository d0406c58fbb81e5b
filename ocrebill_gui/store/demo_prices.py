"""The demo centre's reference data: made-up payment limits and fee schedule (not CMS's).

Without them a demo's Expected payment panel says "no price" for every line and the claims
worklist can never flag a claim paid below its estimate. demo.py imports them through the
reference-data module (store/reference_data.py: its rows, its `reference_imports` entries, its
audit entries), as the demo actor: one ASP quarter per quarter of the demo's dates of service,
with the same demo figures each quarter, and one fee schedule from the first quarter on. The
file names and the ASP title say they are demo data; the figures have CMS's file layout
(docs/reference-data.md), not CMS's values.
"""

from __future__ import annotations

from datetime import date

from ocrebill_gui.core.asp_file import Quarter, parse_asp_file
from ocrebill_gui.core.fee_schedule import parse_fee_schedule
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.reference_data import import_asp, import_fees

ASP_TITLE = "Demo payment limits, made up for the OcreBill demo (not CMS's)"
# J2351 below the demo practice's fee (data/practice-demo.json: 45.00), as every payer's
# allowed amount is below its charges: a payment is the estimate, the rest CO-45.
ASP_ROWS = ("HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,"
            "Co-insurance Percentage\n"
            "J0131,Acetaminophen injection,10 MG,0.140,20.000\n"
            "J1200,Diphenhydramine hcl injectio,50 MG,1.512,20.000\n"
            "J2350,\"Injection, ocrelizumab, 1 mg\",1 MG,59.596,20.000\n"
            "J2351,Ocrelizumab hyaluronid 1mg,1 MG,42.150,20.000\n"
            "J2920,Methylprednisolone injection,UP TO 40 MG,2.116,20.000\n"
            "J2930,Methylprednisolone injection,UP TO 125 MG,4.331,20.000\n")
FEE_ROWS = (  # code, modifier, setting, payer, amount, note
    ("96365", "", "office", "medicare", "67.14", "demo"),
    ("96366", "", "office", "medicare", "21.38", "demo"),
    ("96367", "", "office", "medicare", "30.00", "demo"),
    ("96375", "", "office", "medicare", "15.70", "demo"),
    ("96413", "", "office", "medicare", "133.27", "demo"),
    ("96365", "", "hospital_outpatient", "medicare", "210.69", "demo"),
    ("96366", "", "hospital_outpatient", "medicare", "46.14", "demo"),
    ("96375", "", "hospital_outpatient", "medicare", "46.14", "demo"),
    # A rate for every commercial profile without one of its own (payer = program).
    ("J2350", "", "", "commercial", "68.54", "demo contract rate"),
    ("J2351", "", "", "commercial", "44.10", "demo contract rate"),
    ("J2930", "", "", "commercial", "4.98", "demo contract rate"),
    ("J1200", "", "", "commercial", "1.74", "demo contract rate"),
    ("96365", "", "", "commercial", "180.00", "demo contract rate"),
    ("96366", "", "", "commercial", "55.00", "demo contract rate"),
    ("96367", "", "", "commercial", "60.00", "demo contract rate"),
    ("96375", "", "", "commercial", "40.00", "demo contract rate"),
)


def asp_file_name(quarter: Quarter) -> str:
    return f"demo-asp-{str(quarter).lower()}.csv"


def asp_text(quarter: Quarter) -> str:
    """The demo ASP file of `quarter`: CMS's layout, its quarter in the title lines."""
    first, last = quarter.first_day, quarter.last_day
    return (f"{ASP_TITLE}\n"
            f'"Effective {first:%B} {first.day}, {first.year} through '
            f'{last:%B} {last.day}, {last.year}"\n' + ASP_ROWS)


def fees_text(start: date) -> str:
    """The demo fee schedule, every row in force from `start`, with no end."""
    return ("code,modifier,setting,payer,amount,effective_from,effective_to,note\n"
            + "".join(f"{code},{modifier},{setting},{payer},{amount},{start.isoformat()},,"
                      f"{note}\n" for code, modifier, setting, payer, amount, note in FEE_ROWS))


def add_demo_prices(store: Store, actor: str, first: date, last: date) -> None:
    """Import a demo ASP quarter for each quarter from `first` to `last` (the demo's dates of
    service) and the demo fee schedule from the first quarter's first day, as `actor`."""
    quarter, end = Quarter.of(first), Quarter.of(max(first, last))
    while quarter <= end:
        import_asp.inside(store, actor, parse_asp_file(asp_text(quarter).encode(),
                                                       name=asp_file_name(quarter)))
        quarter = Quarter(quarter.year + quarter.number // 4, quarter.number % 4 + 1)
    start = Quarter.of(first).first_day
    import_fees.inside(store, actor, parse_fee_schedule(fees_text(start).encode(),
                                                        name=f"demo-fees-from-{start}.csv"))
