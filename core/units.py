"""The one kg/lb factor. Weights are stored in kg; lb is only how some lifters type and read them.

One pound is 0.45359237 kg exactly (by definition). ``LB_IN_KG`` is that factor for exact
Decimal arithmetic on stored weights; ``LB_KG`` is the same number as a float for the coach's
and the importers' float arithmetic.
"""

from decimal import Decimal

LB_IN_KG = Decimal("0.45359237")
LB_KG = float(LB_IN_KG)
