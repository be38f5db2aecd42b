import datetime

import pytest
from django.utils import timezone

from tumen.lib import clock

AT = datetime.datetime(1963, 9, 1, 9, 0, tzinfo=datetime.UTC)


def test_the_clock_runs_in_real_time_until_set():
    clock.reset()
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_a_frozen_clock_gives_the_same_instant_and_is_restored_after():
    with clock.frozen(AT):
        assert clock.now() == AT
        assert clock.today() == timezone.localdate(AT)
    assert clock.now().year > 2000


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime.datetime(1963, 9, 1))  # noqa: DTZ001 - naive on purpose


def test_the_fixture_resets_the_clock(clock):
    clock.set(AT)
    assert clock.now() == AT
