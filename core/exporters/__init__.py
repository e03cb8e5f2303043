"""Exports of one lifter's data: Strong's CSV (other apps read it) and HomeGym's own JSON."""
