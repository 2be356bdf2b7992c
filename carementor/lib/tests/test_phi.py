"""The patient-identifier detector: generated identifiers with valid check digits are found,
ordinary clinical-education sentences are left alone."""

import random

from carementor.lib.phi import (
    HIGH,
    MEDIUM,
    find_identifiers,
    nhs_check_digit,
    nhs_valid,
    verhoeff_digit,
    verhoeff_valid,
)

rng = random.Random(15)


def aadhaar() -> str:
    body = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    number = body + verhoeff_digit(body)
    return rng.choice([number, f"{number[:4]} {number[4:8]} {number[8:]}"])


def nhs() -> str:
    while True:
        nine = "".join(str(rng.randint(0, 9)) for _ in range(9))
        check = nhs_check_digit(nine)
        if check is not None:
            number = nine + str(check)
            return rng.choice([number, f"{number[:3]} {number[3:6]} {number[6:]}"])


def ssn() -> str:
    return f"{rng.randint(1, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def abha() -> str:
    d = "".join(str(rng.randint(0, 9)) for _ in range(14))
    return f"{d[:2]}-{d[2:6]}-{d[6:10]}-{d[10:]}"


def mrn() -> str:
    label = rng.choice(["MRN", "UHID", "IP no.", "MR No:", "Hospital No", "CR No", "OP No"])
    return f"{label} {rng.choice(['', 'KH', 'A'])}{rng.randint(10_000, 99_999_999)}"


def dob() -> str:
    date = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1930, 2020)}"
    return f"{rng.choice(['DOB', 'D.O.B.', 'date of birth', 'born on'])} {date}"


def phone() -> str:
    return rng.choice(
        [
            f"+91 {rng.randint(6, 9)}{rng.randint(1000, 9999)} {rng.randint(10000, 99999)}",
            f"{rng.randint(6, 9)}{rng.randint(100_000_000, 999_999_999)}",
            f"07{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        ]
    )


def email() -> str:
    return f"{rng.choice(['rajesh.k', 'smt.lakshmi', 'jdoe'])}{rng.randint(1, 99)}@example.com"


def name() -> str:
    title = rng.choice(["Mr", "Mrs", "Smt", "Shri", "Patient", "Pt", "Ms"])
    first = rng.choice(["Rajesh", "Lakshmi", "Mohammed", "Sunita", "John", "Aarav", "Fatima"])
    last = rng.choice(["Kumar", "Iyer", "Khan", "Devi", "Smith", "Patel", "Begum"])
    return f"{title} {first} {last}"


TEMPLATES = [
    "Seen today: {}. Any thoughts on the plan?",
    "Can someone look at this case ({}) before the ward round",
    "{} — admitted with chest pain",
    "Referral letter mentions {} and a history of asthma.",
]
GENERATORS = {
    "aadhaar": aadhaar,
    "nhs_number": nhs,
    "ssn": ssn,
    "abha": abha,
    "medical_record_number": mrn,
    "date_of_birth": dob,
    "phone": phone,
    "email": email,
    "name": name,
}

CLEAN = [
    "Start metformin 500 mg twice daily and titrate to 1 g twice daily over four weeks.",
    "HbA1c fell from 8.4% to 7.1% after 12 weeks; the 2019 ADA guideline agrees.",
    "Code it as ICD-10 E11.9 and follow NICE NG28 for the review interval.",
    "Troponin 0.04 ng/mL at 10:30, repeat at 13:30; BP 130/80 mmHg, HR 92/min.",
    "The patient should be asked about allergies before the first dose.",
    "Patient safety is everyone's job, especially on night shifts.",
    "Give 20 mL/kg of balanced crystalloid over 15 to 30 minutes, then reassess.",
    "Paracetamol 15 mg/kg every 6 hours, maximum 60 mg/kg per day.",
    "Creatinine 1.2 mg/dL, eGFR 68 mL/min/1.73 m2, potassium 4.1 mmol/L.",
    "The 2023 ESC guidelines changed the recommendation for aspirin in primary prevention.",
    "Our unit audited 240 admissions between January 2022 and March 2023.",
    "Use the 5 moments for hand hygiene from the WHO guidance.",
    "Dr Mehta will present the journal club on 12 March at 4 pm in seminar room 2.",
    "See PMID 31504418 and doi 10.1056/NEJMoa1911303 for the trial.",
    "A 58-year-old man with diabetes presented with a 3-day history of fever.",
    "Ventilator settings: tidal volume 6 mL/kg, PEEP 8 cmH2O, FiO2 0.4.",
    "Insulin infusion at 0.1 units/kg/hour until ketones fall below 0.6 mmol/L.",
    "We reduced central line infections by 45% over 18 months.",
    "The Glasgow Coma Scale was 14/15 on arrival and 15/15 at 6 hours.",
    "Hemoglobin 9.8 g/dL, platelets 1,50,000 per microlitre, WBC 11,200.",
    "Patient Education leaflets are available in Hindi and Tamil.",
    "The course runs for 6 weeks with 2 hours of self-study each week.",
    "Ceftriaxone 2 g IV once daily for 7 to 14 days depending on the response.",
    "Oxygen saturation target of 94 to 98% for most acutely ill patients.",
    "Amoxicillin 40 to 90 mg/kg/day divided into 2 or 3 doses.",
    "The nursing council exam is on 15/06/2025; registration closes in May.",
    "Mr Speaker at the conference was excellent.",
    "Read the NMC code section 5 on confidentiality before posting.",
    "Chest X-ray showed bilateral infiltrates; CURB-65 score was 2.",
    "Serum sodium 128 mmol/L; correct by no more than 8 to 10 mmol/L in 24 hours.",
    "Our ICU has 24 beds and a nurse-to-patient ratio of 1:2.",
    "The QRS duration was 120 ms with a left bundle branch block pattern.",
    "Ward 7B runs a handover at 08:00 and 20:00 every day.",
    "Apgar scores were 7 and 9 at 1 and 5 minutes.",
    "The study enrolled 1,204 participants across 12 sites in 2021.",
    "Tranexamic acid 1 g IV over 10 minutes within 3 hours of injury.",
    "Vitamin D 60,000 IU weekly for 8 weeks, then monthly.",
    "The patient leaflet explains the risks in plain language.",
    "Dose adjustment is needed when CrCl is below 30 mL/min.",
    "Reference range for TSH is 0.4 to 4.0 mIU/L in most labs.",
]


def test_check_digits() -> None:
    assert verhoeff_valid("234123412346") is True
    assert verhoeff_valid("234123412347") is False
    assert nhs_valid("9434765919") is True
    assert nhs_valid("9434765918") is False


def test_the_message_from_the_issue_is_caught() -> None:
    text = "Patient Mr Rajesh Kumar, MRN 12345678, DOB 02/03/1961, admitted last night."
    kinds = {(f.kind, f.confidence) for f in find_identifiers(text)}
    assert ("medical_record_number", HIGH) in kinds
    assert ("date_of_birth", HIGH) in kinds
    assert ("name", MEDIUM) in kinds


def test_at_least_95_percent_of_generated_identifiers_are_found() -> None:
    total = found = 0
    missed = []
    for kind, generate in GENERATORS.items():
        for i in range(40):
            value = generate()
            text = TEMPLATES[i % len(TEMPLATES)].format(value)
            start = text.index(value)
            findings = find_identifiers(text)
            total += 1
            if any(f.start < start + len(value) and f.end > start for f in findings):
                found += 1
            else:
                missed.append((kind, value))
    assert found / total >= 0.95, missed[:20]


def test_an_aadhaar_number_with_a_wrong_check_digit_is_not_an_aadhaar_number() -> None:
    body = "23412341234"
    wrong = body + str((int(verhoeff_digit(body)) + 1) % 10)
    assert not any(f.kind == "aadhaar" for f in find_identifiers(f"Number {wrong} here"))
    right = body + verhoeff_digit(body)
    assert [f.kind for f in find_identifiers(f"Number {right} here")] == ["aadhaar"]


def test_at_most_5_percent_of_clean_clinical_sentences_are_flagged() -> None:
    flagged = [s for s in CLEAN if find_identifiers(s)]
    assert len(flagged) / len(CLEAN) <= 0.05, flagged


def test_offsets_point_at_the_identifier() -> None:
    text = "Call me on +91 98765 43210 or write to asha.raman@example.org"
    spans = [(f.kind, text[f.start : f.end]) for f in find_identifiers(text)]
    assert spans == [("phone", "+91 98765 43210"), ("email", "asha.raman@example.org")]
