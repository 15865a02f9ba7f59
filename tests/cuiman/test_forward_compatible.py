"""A newer server than the spec: an unknown job status and fields the models do not declare are
kept, not refused or dropped, and go back out unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from cuiman import Client, ClientError, JobInfo, JobStatus
from ogc_answers import json_response
from specwright_runtime import is_known

NEWER_JOB = {
    "jobID": "job-1",
    "processID": "add",
    "status": "paused",  # not one of JobStatus's values
    "type": "process",
    "priority": 7,  # not a field of JobInfo
    "owner": {"name": "ada"},
}


def test_an_unknown_status_and_fields_are_kept(make_client: Callable[..., Client]) -> None:
    job = make_client(lambda request: json_response(200, NEWER_JOB)).get_job("job-1")
    assert isinstance(job, JobInfo)
    assert isinstance(job.status, JobStatus)
    assert job.status.value == "paused"
    assert job.status == "paused"
    assert not is_known(job.status)
    assert job.model_extra == {"priority": 7, "owner": {"name": "ada"}}
    assert json.loads(job.model_dump_json(by_alias=True, exclude_unset=True)) == NEWER_JOB


def test_known_statuses_are_still_members(make_client: Callable[..., Client]) -> None:
    job = make_client(lambda request: json_response(200, {**NEWER_JOB, "status": "running"})).get_job("job-1")
    assert job.status is JobStatus.running
    assert is_known(job.status)
    assert JobStatus("paused") not in list(JobStatus)


def test_a_status_of_the_wrong_type_is_still_a_response_error(make_client: Callable[..., Client]) -> None:
    with pytest.raises(ClientError, match="status"):
        make_client(lambda request: json_response(200, {**NEWER_JOB, "status": 3})).get_job("job-1")


def test_a_model_built_with_an_unknown_status_is_sent_as_it_is() -> None:
    job = JobInfo.model_validate(NEWER_JOB)
    request = httpx.Request("POST", "https://x.test", json=job.model_dump(mode="json", by_alias=True, exclude_unset=True))
    assert json.loads(request.read()) == NEWER_JOB
