"""Money is `Decimal`, in euros, to the cent; one rounding rule for every rate and share."""

from decimal import ROUND_FLOOR, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents_down(amount: Decimal) -> Decimal:
    """Round an amount down to the cent (towards minus infinity).

    SPEC section 2, Interpretation: a rate or a share is rounded *down*, so that rounding never
    makes a subsidy exceed the cap or the rate it is computed under.
    """
    return amount.quantize(CENT, ROUND_FLOOR)  # positional: faster, called per row


def share(rate: Decimal, amount: Decimal) -> Decimal:
    """`rate` (a fraction, 0.5 for 50 %) of `amount`, rounded down to the cent."""
    return cents_down(rate * amount)


def at_least_zero(amount: Decimal) -> Decimal:
    """The amount, or zero when it is negative (a cap cannot leave less than nothing)."""
    return amount if amount > ZERO else ZERO
