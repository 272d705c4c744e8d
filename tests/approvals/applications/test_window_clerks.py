"""Who hears of a new application at the service window (一窗受理): the active intake clerks of
the window of the implementing department's region, else of the nearest ancestor's region."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OfficialRole
from approvals.selectors.applications import window_intake_clerks
from tests.factories import DepartmentFactory, OfficialFactory, ServiceVersionFactory


def test_the_clerks_of_the_departments_own_region_are_read_in_one_statement(window, clerk, version):
    # given a second window clerk, an inactive one and a reviewer at the city's window
    second = OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user
    OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK, is_active=False)
    OfficialFactory(department=window, role=OfficialRole.REVIEWER)

    # when the window's clerks are looked up for a city bureau's service
    with CaptureQueriesContext(connection) as captured:
        clerks = window_intake_clerks(version)

    # then the two active clerks, read in one statement
    assert clerks == sorted([clerk, second], key=lambda user: user.pk)
    assert len(captured) == 1


def test_a_region_without_a_window_sends_its_matters_to_the_parents_window(window, clerk):
    # given a district bureau whose district has no service window
    district = DepartmentFactory(code="jinan", region_code="350111", parent=window.parent)
    bureau = DepartmentFactory(code="jinan-market", region_code="350111", parent=district)
    version = ServiceVersionFactory(item__department=bureau, published=True)

    # then the city's window hears of it
    assert window_intake_clerks(version) == [clerk]


def test_a_window_without_an_active_clerk_is_not_passed_over_for_the_parents(window, clerk):
    # given a district with its own window, whose only clerk has left
    district = DepartmentFactory(code="gulou", region_code="350102", parent=window.parent)
    district_window = DepartmentFactory(
        code="gulou-window", region_code="350102", parent=district, is_service_window=True
    )
    OfficialFactory(department=district_window, role=OfficialRole.INTAKE_CLERK, is_active=False)
    bureau = DepartmentFactory(code="gulou-market", region_code="350102", parent=district)
    version = ServiceVersionFactory(item__department=bureau, published=True)

    # then nobody at the city's window is told of the district's matter
    assert window_intake_clerks(version) == []
