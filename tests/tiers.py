"""The two tiers of the suite: `make test` runs the fast one (``-m "not slow"``),
`make test-all` and CI run both.

A test is slow when it starts processes (manage.py, gunicorn, Celery workers and
beat), drives the browser, searches with hypothesis (the booking state machine,
the fuzz of every address), injects faults into real workers, races threads on
PostgreSQL, runs the demo loader itself, or takes over a second on its own (by
``--durations=0`` on SQLite and PostgreSQL). The marker is added here, by file
and by test name, so the test files say nothing about tiers (a file may still
mark itself, as ``tests/test_bench.py`` does); ``tests/test_infrastructure.py``
checks that every name below still names a test.
"""

import pytest

# Marked tests that are slow by what they are.
SLOW_MARKERS = {"browser"}

# Whole files, each test of which is slow.
SLOW_FILES = {
    # Real Celery workers, killed or cut off from SMTP mid-send.
    "tests/test_real_worker.py",
    # The hypothesis state machine of the booking rules.
    "tests/test_booking_state_machine.py",
    # Hypothesis over every URL pattern and the public forms.
    "tests/test_fuzz.py",
    # Threads racing on PostgreSQL, each test in a database emptied after it.
    "tests/test_booking_concurrency.py",
    "tests/test_admin_concurrency.py",
}

# Single tests, by file and function name (every parameter of a parametrized one).
SLOW_TESTS = {
    # Each loads the settings in a new interpreter, or runs manage.py.
    "tests/test_settings.py": {
        "test_no_database_url_means_sqlite_beside_the_project",
        "test_sqlite_path_moves_the_sqlite_database",
        "test_postgres_database_url_is_split_into_its_parts",
        "test_database_url_password_is_percent_decoded",
        "test_database_url_for_another_database_is_refused",
        "test_no_broker_means_celery_runs_tasks_eagerly",
        "test_a_broker_url_sends_tasks_to_the_broker",
        "test_no_cache_url_means_a_local_memory_cache",
        "test_cache_url_puts_the_cache_in_redis",
        "test_mail_goes_to_the_console_by_default",
        "test_mail_file_path_writes_mail_to_files",
        "test_smtp_host_sends_mail_by_smtp_with_its_options",
        "test_secrets_can_come_from_a_file",
        "test_development_defaults_to_debug_and_local_hosts",
        "test_production_refuses_to_start_with_an_unsafe_setting",
        "test_production_starts_hardened_when_configured",
        "test_check_deploy_reports_nothing_for_a_correct_production_configuration",
        "test_hsts_preload_is_off_unless_asked_for_and_only_then_is_sent",
        "test_production_ssl_redirect_can_be_turned_off_for_local_http",
        "test_start_up_stops_on_an_unreadable_variable",
    },
    # gunicorn, a Celery worker and beat, started as the compose services start them.
    "tests/test_infrastructure.py": {
        "test_gunicorn_serves_the_home_page_in_production",
        "test_gunicorn_serves_hashed_static_files_for_caching_forever",
        "test_gunicorn_refuses_host_names_the_portal_does_not_serve",
        "test_celery_worker_answers_ping_over_redis",
        "test_celery_worker_shuts_down_warm_on_sigterm",
        "test_celery_beat_starts_its_scheduler",
    },
    # The demo loader run by the test itself, once or twice, rather than read from
    # the session's one load.
    "tests/test_load_demo.py": {
        "test_second_run_keeps_the_count_of_every_model",
        "test_second_run_changes_no_field_of_any_row",
        "test_second_run_keeps_a_password_the_person_changed",
    },
    "tests/test_demo_data_labelled.py": {
        "test_a_later_load_moves_addresses_an_earlier_load_put_on_real_domains",
        "test_loading_again_after_removal_brings_the_demonstration_back",
    },
    "tests/test_resources.py": {
        "test_demo_future_workforce_report_carries_its_summary_pdf",
        "test_demo_summary_pdf_is_written_to_storage_once",
    },
    "tests/test_resource_search.py": {
        "test_visitor_finds_the_thriving_at_work_report_and_its_workshop",
        "test_demo_summary_pdf_is_searchable_by_its_text",
    },
    "tests/test_steering.py": {
        "test_demo_steering_proposals_load_once_and_again_without_change",
        "test_demo_may_2020_videoconference_agreed_the_july_forum",
    },
    # Threads racing on PostgreSQL, as in the concurrency files above.
    "tests/test_agenda.py": {
        "test_two_members_adding_items_at_one_time_together_get_one_item_and_one_refusal",
    },
    "tests/test_agenda_sign_off.py": {
        "test_two_members_signing_off_at_once_agree_the_agenda_once",
    },
    # Over a second each: ten thousand bookings, or every page of the portal walked.
    "tests/test_engagement_dashboard.py": {
        "test_dashboard_costs_the_same_queries_for_ten_and_ten_thousand_bookings",
    },
    "tests/test_bookings_export.py": {
        "test_bookings_list_costs_the_same_queries_for_ten_and_ten_thousand_bookings",
    },
    "tests/test_admin_roles.py": {
        "test_a_superuser_reaches_every_page_but_those_no_one_may_open",
        "test_the_operations_manager_reaches_exactly_the_pages_of_the_role",
    },
    "tests/test_security_no_store.py": {
        "test_every_url_answers_a_signed_in_person_with_no_store",
    },
}


def is_slow(item):
    path = item.path.relative_to(item.config.rootpath).as_posix()
    return (
        path in SLOW_FILES
        or item.originalname in SLOW_TESTS.get(path, ())
        or any(item.get_closest_marker(name) for name in SLOW_MARKERS)
    )


# First, so that -m "not slow" sees the marker when it deselects.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
