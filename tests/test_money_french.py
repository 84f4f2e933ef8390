"""Rounding down to the cent, and figures written the French way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from xl_idf import french
from xl_idf.money import cents_down, share

D = Decimal


@pytest.mark.parametrize(
    ("rate", "amount", "expected"),
    [
        ("0.5", "15000.01", "7500.00"),  # 7,500.005 down
        ("0.5", "0.01", "0.00"),
        ("0.7", "15000.00", "10500.00"),
        ("0.7", "7500.01", "5250.00"),  # 5,250.007 down
        ("0.7", "0.15", "0.10"),  # 0.105 down
        ("1", "6000.00", "6000.00"),
    ],
)
def test_share_rounds_down(rate, amount, expected):
    assert share(D(rate), D(amount)) == D(expected)


def test_cents_down_never_rounds_up():
    assert cents_down(D("399.9999")) == D("399.99")
    assert cents_down(D("-0.001")) == D("-0.01")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1200"), "1\u00a0200,00\u00a0€"),
        (D("1234567.5"), "1\u00a0234\u00a0567,50\u00a0€"),
        (D("0.5"), "0,50\u00a0€"),
        (D("-3000"), "-3\u00a0000,00\u00a0€"),
    ],
)
def test_eur(value, text):
    assert french.eur(value) == text


def test_other_formats():
    assert french.days(D("12.5")) == "12,5\u00a0jours"
    assert french.days(D(1)) == "1\u00a0jour"
    assert french.percent(D("0.7")) == "70\u00a0%"
    assert french.day(date(2022, 12, 31)) == "31/12/2022"
    assert french.number(5000) == "5\u00a0000"
