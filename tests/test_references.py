"""Ids and references between entries: duplicates and dangling references.

Each case starts from a minimal valid case written as YAML text (seven
lines); the text added with ``extra`` starts on line 8, so the positions in
the assertions can be checked by eye.
"""

from __future__ import annotations

import pytest

from caseforge.checks.references import reference_fields
from helpers import assert_at, case_text, diagnose, only, validators_agree


# Every case of this file, for the check that both validators agree on it.
CASES: dict[str, str] = {}


def variant(name: str, text: str) -> str:
    assert name not in CASES
    CASES[name] = text
    return text


# ---------------------------------------------------------------------------
# CF701: duplicate ids.

DUPLICATE_IN_TIMELINE = variant(
    "duplicate id in the timeline",
    case_text("""
        timeline:
          - id: car-t-1
            kind: intervention
            summary: First CAR-T infusion, autologous
          - id: car-t-2
            kind: intervention
            summary: Second CAR-T infusion, donor-derived
          - id: car-t-1
            kind: response
            summary: Complete remission with negative MRD
        """),
)


def test_duplicate_id_is_reported_at_the_second_one():
    found = only(DUPLICATE_IN_TIMELINE)
    assert_at(found, "CF701", 15, 9, "/timeline/2/id")
    assert "`car-t-1`" in found.message
    assert "line 9" in found.message  # where the first one is
    assert "another id" in found.hint


DUPLICATE_ACROSS_SECTIONS = variant(
    "duplicate id across sections",
    case_text("""
        timeline:
          - id: haemoglobin
            kind: test
            summary: Haemoglobin at the last follow-up
        diagnostic_assessment:
          tests:
            - id: haemoglobin
              name: haemoglobin
              result: {value: 130, unit: g/L}
        """),
)


def test_duplicate_id_across_sections():
    found = only(DUPLICATE_ACROSS_SECTIONS)
    assert_at(found, "CF701", 14, 11, "/diagnostic_assessment/tests/0/id")
    assert "`haemoglobin`" in found.message and "line 9" in found.message


TRIPLICATE = variant(
    "the same id three times",
    case_text("""
        references:
          - {id: brudno2016, citation: "Brudno JN, et al. J Clin Oncol. 2016."}
          - {id: brudno2016, citation: "Brudno JN, et al. Blood. 2016."}
          - {id: brudno2016, citation: "Brudno JN, et al. Lancet. 2016."}
        """),
)


def test_each_repeat_of_an_id_names_the_first():
    found = diagnose(TRIPLICATE)
    assert [(d.code, d.line, d.column, d.pointer) for d in found] == [
        ("CF701", 10, 10, "/references/1/id"),
        ("CF701", 11, 10, "/references/2/id"),
    ], show(found)
    assert all("line 9" in d.message for d in found)


# ---------------------------------------------------------------------------
# CF702: references to ids that no entry has.

MISSING_OF = variant(
    "of names a missing id",
    case_text("""
        timeline:
          - id: car-t-1
            kind: intervention
            summary: First CAR-T infusion, autologous
          - id: crs-1
            kind: adverse_event
            summary: Grade 2 cytokine release syndrome
            time: {day: 7, of: cart-1}
        """),
)


def test_missing_id_in_of():
    found = only(MISSING_OF)
    assert_at(found, "CF702", 15, 24, "/timeline/1/time/of")
    assert "`of`" in found.message and "`cart-1`" in found.message
    assert found.hint == "Did you mean `car-t-1`?"


MISSING_IN_LIST = variant(
    "related names a missing id",
    case_text("""
        timeline:
          - id: a
            kind: intervention
            summary: First CAR-T infusion, autologous
            related: [b, missing]
          - id: b
            kind: adverse_event
            summary: Grade 2 cytokine release syndrome
        """),
)


SELF_REFERENCE = variant(
    "an event that follows itself",
    case_text("""
        timeline:
          - id: crs-2
            kind: adverse_event
            summary: Grade 2 cytokine release syndrome
            time: {follows: crs-2}
        """),
)


def test_an_entry_that_refers_to_itself():
    found = only(SELF_REFERENCE)
    assert_at(found, "CF703", 12, 21, "/timeline/0/time/follows")
    assert "`crs-2`" in found.message and "itself" not in found.hint


UNKNOWN_CITATION = variant(
    "text cites a reference that is not listed",
    case_text("""
        introduction: Few adults respond [@nguyen2008; @gauthier2012].
        references:
          - {id: nguyen2008, citation: Nguyen K et al. Leukemia 2008.}
          - {id: gauthier2021, citation: Gauthier J et al. Blood 2021.}
        """),
)


def test_a_citation_in_text_must_name_a_reference():
    found = only(UNKNOWN_CITATION)
    assert_at(found, "CF702", 8, 15, "/introduction")
    assert "`[@gauthier2012]`" in found.message
    assert found.hint == "Did you mean `gauthier2021`?"


def test_missing_id_in_a_list_field():
    found = only(MISSING_IN_LIST)
    assert_at(found, "CF702", 12, 18, "/timeline/0/related/1")
    assert "`related`" in found.message and "`missing`" in found.message
    assert "existing entry" in found.hint  # no id is close to `missing`


MISSPELT_IN_LIST = variant(
    "basis names a misspelt id",
    case_text("""
        diagnostic_assessment:
          tests:
            - id: bm-blasts-dx
              name: bone marrow blasts
              result: {value: 88, unit: "%"}
          diagnoses:
            - id: b-all
              name: B-cell acute lymphoblastic leukaemia
              basis:
                - bm-blasts-dx
                - bm-blast-dx
        """),
)


def test_misspelt_id_in_a_block_list_suggests_the_closest():
    found = only(MISSPELT_IN_LIST)
    assert_at(found, "CF702", 18, 11, "/diagnostic_assessment/diagnoses/0/basis/1")
    assert "`basis`" in found.message and "`bm-blast-dx`" in found.message
    assert found.hint == "Did you mean `bm-blasts-dx`?"


MISSING_INDEX_EVENT = variant(
    "index_event names a missing id",
    case_text("""
        index_event: car-t-3
        timeline:
          - id: car-t-2
            kind: intervention
            summary: Second CAR-T infusion, donor-derived
        """),
)


def test_missing_index_event():
    found = only(MISSING_INDEX_EVENT)
    assert_at(found, "CF702", 8, 14, "/index_event")
    assert "`index_event`" in found.message and "`car-t-3`" in found.message
    assert found.hint == "Did you mean `car-t-2`?"


SEVERAL_MISSING = variant(
    "several missing references",
    case_text("""
        index_event: car-t-3
        interventions:
          - id: car-t-2
            kind: cell_therapy
            name: donor-derived CD19 CAR-T cells
        follow_up:
          adverse_events:
            - id: crs-2
              name: cytokine release syndrome
              attributed_to: [cart-2]
              managed_with: [tocilizumab-2]
        """),
)


def test_every_missing_reference_is_reported_in_line_order():
    found = diagnose(SEVERAL_MISSING)
    assert [(d.code, d.line, d.pointer) for d in found] == [
        ("CF702", 8, "/index_event"),
        ("CF702", 17, "/follow_up/adverse_events/0/attributed_to/0"),
        ("CF702", 18, "/follow_up/adverse_events/0/managed_with/0"),
    ], show(found)
    assert found[1].hint == "Did you mean `car-t-2`?"


# ---------------------------------------------------------------------------
# Valid references produce nothing.

VALID = variant(
    "valid cross-references",
    case_text("""
        index_event: car-t-2
        timeline:
          - id: car-t-2-infusion
            kind: intervention
            summary: Second CAR-T infusion, donor-derived
            time: {day: 0, of: car-t-2}
            related: [car-t-2]
          - id: crs-2-onset
            kind: adverse_event
            summary: Grade 2 cytokine release syndrome
            time: {day: 1, of: car-t-2}
            related: [crs-2, car-t-2-infusion]
        interventions:
          - id: car-t-2
            kind: cell_therapy
            name: donor-derived CD19 CAR-T cells
        follow_up:
          tests:
            - id: car-t-2-expansion
              name: CAR-T cells in peripheral blood, peak
              time: {day: 14, of: car-t-2}
              result: {value: 78.1, unit: "%"}
              figure: fig-2
          clinician_assessed:
            - summary: Complete resolution of all extramedullary lesions.
              assesses: [car-t-2]
              evidence: [car-t-2-expansion]
          adverse_events:
            - id: crs-2
              name: cytokine release syndrome
              attributed_to: [car-t-2]
        figures:
          - id: fig-2
            caption: CAR-T percentages after the infusion.
        """),
)


def test_valid_cross_references_produce_nothing():
    assert diagnose(VALID) == []


def test_reference_fields_come_from_the_schema():
    assert reference_fields() >= {
        "of", "related", "index_event", "basis", "attributed_to", "managed_with", "assesses", "evidence", "figure",
    }
    assert "id" not in reference_fields()


# ---------------------------------------------------------------------------
# References are checked only on a sound structure (the schema comes first).

BROKEN_AND_DANGLING = variant(
    "schema error and dangling reference",
    case_text("""
        index_event: car-t-3
        timeline:
          - id: car-t-2
            kind: Intervention
            summary: Second CAR-T infusion
        """),
)


def test_schema_errors_come_before_reference_checks():
    found = diagnose(BROKEN_AND_DANGLING)
    assert [d.code for d in found] == ["CF204"], show(found)


# ---------------------------------------------------------------------------
# The fast validator and python-jsonschema agree on every case here.


@pytest.mark.parametrize("name", list(CASES))
def test_validators_agree(name):
    assert validators_agree(CASES[name])


def test_reference_field_names_mean_nothing_else_in_the_schema():
    """The check finds references by field name; a field of the same name that
    holds something else would be checked as a reference by mistake."""
    from caseforge.checks.references import REFERENCE_DEFINITIONS
    from caseforge.schema import declared_properties

    clashes = [
        name
        for name, prop in declared_properties()
        if name in reference_fields() and prop.get("$ref") not in REFERENCE_DEFINITIONS
    ]
    assert clashes == []
    assert {"of", "follows", "related", "attributed_to", "index_event"} <= reference_fields()
