"""No personal data in the store: after a full load, every text column of every table (the
bookkeeping included: etl_reject.raw_values, etl_run.error, etl_state.last_error) is scanned
for NIK, BPJS numbers, Indonesian phone numbers, e-mail addresses and the people's names the
sources hold. The patterns here are written independently of etl/pii.py (a test that reused
the masking regexes would share their blind spots), and a planted store proves they find
what they look for."""
from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import source_engine
from store import schema
from store.engine import init_store, make_engine

# Pseudonyms (etl.pii: HMAC hex, 32 characters) are allowed, and a random hex string
# contains runs of 13 or 16 decimal digits by chance: such values skip the digit patterns.
PSEUDONYM = re.compile(r"[0-9a-f]{32}")
PATTERNS = {
    # 16 consecutive digits, or grouped 4-4-4-4 / 6-6-4 with one kind of separator
    "NIK": re.compile(r"(?<!\d)(?:\d{16}|\d{4}([ .-])\d{4}\1\d{4}\1\d{4}|\d{6}([ .-])\d{6}\2\d{4})(?!\d)"),
    "BPJS": re.compile(r"(?<!\d)\d{13}(?!\d)"),
    # +62 / 62 / 08, then 8-11 digits, spaces or dashes anywhere between them
    "phone": re.compile(r"(?<![\d+])(?:(?:\+62|62)[ -]?8|0[ -]?8)(?:[ -]?\d){7,11}(?!\d)"),
    "e-mail": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
}
# The people in the sources: reporters, applicants, patients and the officials handling them.
NAME_COLUMNS = {
    "complaints": [("pengaduan", "nama_pelapor"), ("riwayat_status_pengaduan", "petugas")],
    "permits": [("permohonan_izin", "nama_pemohon"), ("riwayat_tahap_izin", "petugas")],
    "clinics": [("pasien", "nama_pasien")],
    "cleanliness": [("laporan", "nama_pelapor")],
    "musrenbang": [("usulan", "nama_pengusul"), ("riwayat_usulan", "petugas")],
    "pbb": [("wajib_pajak", "nama_wp"), ("pembayaran", "nama_penyetor")],
}
_WORD = re.compile(r"[^\W\d_]+")   # letters only: "Perangin-angin" -> perangin, angin


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def names_in(text: str, names: set[tuple[str, ...]], longest: int) -> list[str]:
    """The full names (as word sequences) that occur in the text."""
    words = _words(text)
    found = []
    for size in range(2, longest + 1):
        for i in range(len(words) - size + 1):
            if tuple(words[i:i + size]) in names:
                found.append(" ".join(words[i:i + size]))
    return found


def scan_values(values, names: set[tuple[str, ...]] = frozenset()) -> list[tuple[str, str]]:
    """(kind, value) for every value holding something personal."""
    longest = max((len(n) for n in names), default=0)
    hits = []
    for value in values:
        if not isinstance(value, str):
            continue
        if not PSEUDONYM.fullmatch(value):
            hits += [(kind, value) for kind, pattern in PATTERNS.items() if pattern.search(value)]
        elif PATTERNS["e-mail"].search(value):
            hits.append(("e-mail", value))
        if names and names_in(value, names, longest):
            hits.append(("name", value))
    return hits


TEXT_TYPES = ("VARCHAR", "TEXT", "CHARACTER VARYING", "CHARACTER", "CHAR", "BPCHAR", "JSON", "JSONB")


def text_columns(engine) -> dict[str, list[str]]:
    """Every text column of every table in the store, from the database's own catalogue
    (tables the schema does not declare are scanned too)."""
    rows = pd.read_sql(sa.text(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"), engine)
    columns: dict[str, list[str]] = {}
    for table, column, kind in rows.itertuples(index=False):
        if str(kind).upper().split("(")[0] in TEXT_TYPES:
            columns.setdefault(table, []).append(column)
    return columns


def scan_store(engine, names: set[tuple[str, ...]] = frozenset()) -> list[tuple[str, str, str, str]]:
    """(table, column, kind, value) for every personal value in any text column."""
    quote = engine.dialect.identifier_preparer.quote
    found = []
    with engine.connect() as conn:
        for table, columns in text_columns(engine).items():
            for column in columns:
                values = conn.execute(sa.text(
                    f"SELECT DISTINCT {quote(column)} FROM {quote(table)} WHERE {quote(column)} IS NOT NULL"
                )).scalars().all()
                found += [(table, column, kind, value) for kind, value in scan_values(values, names)]
    return found


def _shown(findings) -> str:
    """Findings for a failure message, digits mostly hidden (a CI log is no place for a NIK)."""
    hidden = re.compile(r"(?<=\d{4})\d")
    return "\n".join(f"{t}.{c}: {k}: {hidden.sub('#', v)[:120]}" for t, c, k, v in findings[:20])


def source_names(urls: dict[str, str]) -> set[tuple[str, ...]]:
    names = set()
    for service, columns in NAME_COLUMNS.items():
        engine = source_engine(urls[service])
        with engine.connect() as conn:
            for table, column in columns:
                for (name,) in conn.execute(sa.text(f"SELECT DISTINCT {column} FROM {table} "
                                                    f"WHERE {column} IS NOT NULL")):
                    words = tuple(_words(name))
                    if len(words) >= 2:
                        names.add(words)
        engine.dispose()
    return names


@pytest.fixture(scope="module")
def people(source_urls) -> set[tuple[str, ...]]:
    names = source_names(source_urls)
    assert len(names) > 500, "the sources should hold many reporters, applicants and patients"
    return names


# --- the store after a full load ------------------------------------------------------------------------

def test_every_text_column_of_the_loaded_store_is_free_of_personal_data(loaded_store, people):
    scanned = text_columns(loaded_store)
    declared = {(t.name, c.name) for t in schema.metadata.sorted_tables for c in t.columns
                if isinstance(c.type, sa.String)}
    covered = {(t, c) for t, columns in scanned.items() for c in columns}
    assert declared <= covered, f"text columns not scanned: {sorted(declared - covered)}"
    for needed in [("etl_reject", "raw_values"), ("etl_reject", "reason"), ("etl_run", "error"),
                   ("etl_state", "last_error"), ("complaints", "title"), ("complaints", "reporter_hash")]:
        assert needed in covered
    with loaded_store.connect() as conn:   # what makes this scan meaningful: the texts are there
        titles = conn.execute(sa.text("SELECT COUNT(DISTINCT title) FROM complaints")).scalar()
    assert titles > 50

    findings = scan_store(loaded_store, people)
    assert not findings, f"personal data in the store:\n{_shown(findings)}"


def test_the_sources_do_hold_what_the_scan_looks_for(source_urls, people):
    """The scan is not vacuous: the same patterns find NIKs, phones and e-mails in the sources'
    free text (complaint bodies carry them) and in their personal columns."""
    engine = source_engine(source_urls["complaints"])
    with engine.connect() as conn:
        bodies = conn.execute(sa.text("SELECT isi FROM pengaduan")).scalars().all()
        contacts = conn.execute(sa.text(
            "SELECT nik_pelapor, telepon_pelapor, email_pelapor, nama_pelapor FROM pengaduan "
            "WHERE nik_pelapor IS NOT NULL AND telepon_pelapor IS NOT NULL AND email_pelapor IS NOT NULL "
            "AND nama_pelapor IS NOT NULL LIMIT 50")).all()
    engine.dispose()
    kinds = {kind for kind, _ in scan_values(bodies)}
    assert {"NIK", "phone"} <= kinds
    for nik, phone, mail, name in contacts:
        assert {k for k, _ in scan_values([nik])} == {"NIK"}
        assert "phone" in {k for k, _ in scan_values([phone])}
        assert {k for k, _ in scan_values([mail])} == {"e-mail"}
        assert {k for k, _ in scan_values([f"dilaporkan oleh {name}."], people)} == {"name"}


# --- the scan finds what is planted -------------------------------------------------------------------------

PLANTED = [   # (text, kinds it must be reported as)
    ("Lampu mati, NIK 1275014501900003", {"NIK"}),
    ("nik:1275-0145-0190-0003", {"NIK"}),
    ("NIK 127501 450190 0003 mohon dibantu", {"NIK"}),
    ("kartu JKN 0001234567890", {"BPJS"}),
    ("hubungi 081377788899", {"phone"}),
    ("WA 0813-7778-8899 sore", {"phone"}),
    ("telp +62 813 7778 8899", {"phone"}),
    ("62813777888990", {"phone"}),
    ("hp:+628137778889", {"phone"}),
    ("+6281377788899", {"phone", "BPJS"}),      # 13 digits: could be either, both are reported
    ("balas ke budi.santoso88@yahoo.co.id ya", {"e-mail"}),
    ('{"judul": "dari Siti Nasution", "kanal": "web"}', {"name"}),
    ("pelapor BUDI PERANGIN-ANGIN marah", {"name"}),
]
CLEAN = [
    "Rp 10.050.000.000", "Lampu jalan mati di Jl. Ahmad Yani", "EMS-2026-000123", "2026-11-23 10:00:00",
    "emasyarakat:900001", "3f0a9c1b2d4e5f60718293a4b5c6d7e8", "a1234567890123456b7c8d9e0f123456",
    "12.75.01.1003", "5.1.02.01.01.0024", "Siti mengadu", "Dinas Kesehatan", "+62", "0812",
    "[NIK] [TELEPON] [EMAIL] [BPJS]", "pagu 625000000000",
]


def test_the_scan_finds_planted_personal_data_and_nothing_else():
    names = {("siti", "nasution"), ("budi", "perangin", "angin")}
    frame = pd.DataFrame({"text": [p for p, _ in PLANTED] + CLEAN})
    hits = scan_values(frame["text"], names)
    found = {}
    for kind, value in hits:
        found.setdefault(value, set()).add(kind)
    for text, kinds in PLANTED:
        assert found.get(text) == kinds, (text, found.get(text))
    assert not set(found) & set(CLEAN), {v: found[v] for v in set(found) & set(CLEAN)}


def test_the_store_scan_reaches_the_bookkeeping_tables(tmp_path):
    """Personal data planted in a store (bookkeeping and a dimension) is found where it is."""
    engine = make_engine(f"duckdb:///{tmp_path / 'planted.duckdb'}")
    init_store(engine)
    now = dt.datetime(2026, 11, 24, 9, 0)
    with engine.begin() as conn:
        conn.execute(schema.etl_reject.insert().values(
            reject_id=1, run_id=1, stream="complaints", source_key="42", reason="unknown status",
            raw_values=json.dumps({"judul": "NIK 1275014501900003", "telepon_pelapor": "0813-7778-8899"}),
            rejected_at=now))
        conn.execute(schema.etl_run.insert().values(
            run_id=1, stream="complaints", started_at=now, status="failed",
            error="bad row from budi.santoso@gmail.com"))
        conn.execute(schema.etl_state.insert().values(
            stream="permits", rows_total=0, failures=1, last_error="BPJS 0001234567890 rejected"))
        conn.execute(schema.service_table("dim_opd").insert().values(opd_code="X", opd_name="Kantor Siti Nasution",
                                                    opd_short="X", source="e-Anggaran",
                                                    source_updated_at=now, loaded_at=now))
    found = {(t, c, k) for t, c, k, _ in scan_store(engine, {("siti", "nasution")})}
    engine.dispose()
    assert found == {("etl_reject", "raw_values", "NIK"), ("etl_reject", "raw_values", "phone"),
                     ("etl_run", "error", "e-mail"), ("etl_state", "last_error", "BPJS"),
                     ("dim_opd", "opd_name", "name")}
