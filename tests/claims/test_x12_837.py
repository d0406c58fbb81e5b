"""837P and 837I files from our own writer: the versions and envelope, every generated file
accepted by pyx12 (999 IK5*A), corrupted copies rejected, and our semantic checks on any file."""

from __future__ import annotations

import re

import pytest
from claim_parties import CLOCK, SETTINGS, dependent_parties, numbers, submission

from ocrebill_gui.core.x12 import InMemoryControlNumbers, write_837i, write_837p
from ocrebill_gui.core.x12.validate import semantic_problems, validate_837


def segments(text: str) -> list[str]:
    return [s.strip() for s in text.split("~") if s.strip()]


def first(text: str, tag: str) -> str:
    return next(s for s in segments(text) if s.startswith(tag + "*"))


def accepted(text: str) -> None:
    result = validate_837(text)
    assert result.syntax_errors == [] and result.problems == [], result
    assert "IK5*A" in result.ack_999 and "AK9*A" in result.ack_999
    assert result.accepted


def rejected(text: str) -> None:
    result = validate_837(text)
    assert not result.accepted
    assert not result.syntax_accepted, result.ack_999


def office_file(**kwargs) -> str:
    return write_837p([submission(**kwargs)], SETTINGS, numbers(), at=CLOCK)


def test_office_ocrevus_837p_is_accepted_with_the_segments_of_the_shared_facts() -> None:
    text = office_file()
    accepted(text)
    assert first(text, "GS").endswith("*X*005010X222A1")
    assert first(text, "ST") == "ST*837*0001*005010X222A1"
    assert first(text, "ISA").split("*")[15] == "T"
    assert first(text, "NM1*85") == \
        "NM1*85*2*Lakeside Neurology Infusion Center*****XX*1234567893"
    assert first(text, "REF*EI") == "REF*EI*001234567"
    assert first(text, "SBR") == "SBR*P*18*GRP4410******CI"
    assert first(text, "NM1*PR").endswith("*PI*EXH01")
    assert first(text, "CLM") == "CLM*42*43570***11:B:1*Y*A*Y*Y"
    assert first(text, "HI") == "HI*ABK:G35A"
    assert first(text, "SV1") == "SV1*HC:J2350:JZ*43200*UN*600***1"
    assert first(text, "LIN") == "LIN**N4*50242015001"
    assert first(text, "CTP") == "CTP****20*ML"
    assert first(text, "NM1*DK") == "NM1*DK*1*Chen*Wei****XX*1456789019"  # 2420E ordering
    assert first(text, "NM1*82").endswith("XX*1987654328")
    body = segments(text)
    st, se = body.index(first(text, "ST")), body.index(first(text, "SE"))
    assert first(text, "SE") == f"SE*{se - st + 1}*0001"


def test_replacement_is_frequency_7_with_ref_f8_and_production_usage() -> None:
    from dataclasses import replace

    sub = submission(frequency="7", original_claim_number="2026120700001")
    text = write_837p([sub], replace(SETTINGS, usage="P"), numbers(), at=CLOCK)
    accepted(text)
    assert first(text, "CLM").split("*")[5] == "11:B:7"
    assert first(text, "REF*F8") == "REF*F8*2026120700001"
    assert first(text, "ISA").split("*")[15] == "P"


def test_prior_authorization_and_a_dependent_patient() -> None:
    from example_visits import load_example

    document = load_example("01-standard-600mg")[0]
    document["prior_authorization"] = {"number": "PA20260042", "valid_from": "2026-01-01",
                                       "valid_to": "2026-12-31"}
    sub = submission(document=document, parties=dependent_parties())
    text = write_837p([sub], SETTINGS, numbers(), at=CLOCK)
    accepted(text)
    assert first(text, "REF*G1") == "REF*G1*PA20260042"
    assert "HL*3*2*23*0" in segments(text) and first(text, "PAT") == "PAT*19"
    assert first(text, "SBR") == "SBR*P**GRP4410******CI"


def test_hospital_outpatient_837i() -> None:
    text = write_837i([submission("06-facility-premeds")], SETTINGS, numbers(), at=CLOCK)
    accepted(text)
    assert first(text, "GS").endswith("*X*005010X223A2")
    assert first(text, "ST") == "ST*837*0001*005010X223A2"
    assert first(text, "CLM").split("*")[5] == "13:A:1"
    sv2 = [s for s in segments(text) if s.startswith("SV2*")]
    assert sv2[0] == "SV2*0636*HC:J2350:JZ*21600*UN*300"
    assert [s.split("*")[1] for s in sv2] == ["0636", "0260", "0260", "0250", "0260", "0250",
                                              "0260"]


def test_837i_replacement() -> None:
    sub = submission("06-facility-premeds", frequency="7", original_claim_number="A1B2C3")
    text = write_837i([sub], SETTINGS, numbers(), at=CLOCK)
    accepted(text)
    assert first(text, "CLM").split("*")[5] == "13:A:7"
    assert first(text, "REF*F8") == "REF*F8*A1B2C3"


def test_a_batch_shares_one_interchange_and_the_billing_provider_loop() -> None:
    subs = [submission(visit_id=n) for n in range(1, 6)] + \
        [submission("05-waste-jw-line", visit_id=6)]
    text = write_837p(subs, SETTINGS, numbers(), at=CLOCK)
    accepted(text)
    assert sum(s.startswith("ISA*") for s in segments(text)) == 1
    assert sum(s.startswith("HL*") and s.endswith("*20*1") for s in segments(text)) == 1
    assert [s.split("*")[1] for s in segments(text) if s.startswith("CLM*")] == \
        ["1", "2", "3", "4", "5", "6"]


def test_control_numbers_are_taken_and_never_reused() -> None:
    counters = InMemoryControlNumbers(interchange=7, group=30, transaction=120)
    one = write_837p([submission()], SETTINGS, counters, at=CLOCK)
    two = write_837p([submission()], SETTINGS, counters, at=CLOCK)
    assert first(one, "ISA").split("*")[13] == "000000007"
    assert first(two, "ISA").split("*")[13] == "000000008"
    assert first(one, "GS").split("*")[6] == "30" and first(two, "GS").split("*")[6] == "31"
    assert first(one, "ST").split("*")[2] == "0120" and first(two, "ST").split("*")[2] == "0121"
    assert first(two, "IEA") == "IEA*1*000000008"
    accepted(two)
    with pytest.raises(ValueError, match="out of range"):
        InMemoryControlNumbers(interchange=1_000_000_000).next_interchange()


def test_delimiters_in_names_do_not_break_the_file() -> None:
    from ocrebill_gui.core.claim_builder import ClaimParties
    from claim_parties import OFFICE_PARTIES, RENDERING

    odd = RENDERING.model_copy(update={"name": "O*Brien~Smith", "first_name": "Ana:Maria"})
    parties = ClaimParties(**{**OFFICE_PARTIES.__dict__, "rendering": odd})
    text = write_837p([submission(parties=parties)], SETTINGS, numbers(), at=CLOCK)
    accepted(text)
    assert first(text, "NM1*82").startswith("NM1*82*1*O Brien Smith*Ana Maria*")


# Corrupted copies: the four the shared facts verified, and ours.

def corrupt(text: str, pattern: str, replacement: str) -> str:
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text
    return changed


def test_wrong_lin02_is_rejected() -> None:
    rejected(corrupt(office_file(), r"LIN\*\*N4\*", "LIN**XX*"))


def test_wrong_se_count_is_rejected() -> None:
    rejected(corrupt(office_file(), r"SE\*(\d+)\*", r"SE*99*"))


def test_missing_hi_is_rejected() -> None:
    rejected(corrupt(office_file(), r"^HI\*[^~]*~\n", ""))


def test_isa_iea_control_number_mismatch_is_rejected() -> None:
    rejected(corrupt(office_file(), r"IEA\*1\*000000001", "IEA*1*000000002"))


def test_837i_corruptions_are_rejected_too() -> None:
    text = write_837i([submission("06-facility-premeds")], SETTINGS, numbers(), at=CLOCK)
    rejected(corrupt(text, r"^HI\*[^~]*~\n", ""))
    rejected(corrupt(text, r"SE\*(\d+)\*", r"SE*12*"))


def test_semantic_checks_pyx12_does_not_make() -> None:
    text = office_file()
    bad_npi = corrupt(text, r"XX\*1987654328", "XX*1987654327")
    assert validate_837(bad_npi).syntax_accepted  # pyx12 takes it...
    assert not validate_837(bad_npi).accepted  # ...our check does not
    assert any("NPI has a wrong check digit" in p for p in semantic_problems(bad_npi))
    short_ndc = corrupt(text, r"N4\*50242015001", "N4*5024201500")
    assert any("11 digits" in p for p in semantic_problems(short_ndc))
    bad_unit = corrupt(text, r"CTP\*\*\*\*20\*ML", "CTP****20*MG")
    assert any("NDC unit" in p for p in semantic_problems(bad_unit))
    wrong_total = corrupt(text, r"CLM\*42\*43570", "CLM*42*43571")
    assert any("not the sum of its line charges (43570)" in p
               for p in semantic_problems(wrong_total))
    assert semantic_problems("hello") == ["the file does not start with an ISA segment"]


def test_a_batch_leaves_out_the_claims_that_fail_and_names_why() -> None:
    from claim_parties import SUBSCRIBER

    from ocrebill_gui.core.x12.batch import write_batch

    good = [submission(visit_id=1), submission("05-waste-jw-line", visit_id=2)]
    no_member = submission(visit_id=3).model_copy(update={
        "subscriber": SUBSCRIBER.model_copy(update={"member_id": ""})})
    hospital = submission("06-facility-premeds", visit_id=4)
    counters = InMemoryControlNumbers()
    batch = write_batch([good[0], no_member, hospital, good[1]], "837p", SETTINGS, counters,
                        at=CLOCK)
    assert batch.written == ["1", "2"]
    assert {k: [p.field for p in v] for k, v in batch.left_out.items()} == \
        {"3": ["subscriber.member_id"], "4": ["claim.setting"]}
    accepted(batch.text)
    nothing = write_batch([no_member], "837p", SETTINGS, counters, at=CLOCK)
    assert nothing.text == "" and counters.next_interchange() == 2  # no number was spent
    institutional = write_batch([hospital], "837i", SETTINGS, counters, at=CLOCK)
    assert institutional.written == ["4"] and institutional.left_out == {}
    accepted(institutional.text)


def test_isa_ids_longer_than_their_fields_are_refused() -> None:
    from dataclasses import replace

    counters = numbers()
    with pytest.raises(ValueError, match="longer than 15"):
        write_837p([submission()], replace(SETTINGS, sender_id="X" * 16), counters, at=CLOCK)
    assert counters.next_interchange() == 1  # none taken
