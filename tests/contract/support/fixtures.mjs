// Request bodies and import files whose exact text matters: messages carry numbers and strings whose
// source text JSON.parse would not keep (1.50, 1e400, 12345678901234567890123, -0.0, escapes, raw
// UTF-8), spaced out so that the server has whitespace to drop. String.raw keeps every backslash.
import { bytesOf, compact, rawElements, rawMember } from './raw_json.mjs';

export const OWNER = 'owner@example.com';

// The messages of `text` (a request body or import file) as the server must return them: the source
// text of each, in bytes, without the whitespace between tokens.
export function expectedMessages(text, member = 'messages') {
  return rawElements(rawMember(bytesOf(text), member)).map(compact);
}

// The first message of a create body, as the server must return it.
export function expectedFirstMessage(text) {
  return compact(rawMember(bytesOf(text), 'message'));
}

// The messages of a response, in bytes, exactly as sent.
export function returnedMessages(res) {
  return rawElements(rawMember(res.bytes, 'messages'));
}

export const CREATE_PUBLIC = String.raw`{
  "title": "Public pentest of api.example.com",
  "visibility": "public",
  "model": "claude-sonnet-4",
  "secrets": ["API_TOKEN"],
  "message": {
    "id": "c-1", "role": "user",
    "content": "Pentest api.example.com \u2013 caf\u00e9 \ud83d\ude00 \"quoted\" \/ done",
    "budget": 1.50, "big": 1e400, "huge": 12345678901234567890123, "tiny": 5e-324,
    "neg": -0.0, "exp": 2E+3,
    "nested": { "a": [ 1.0 , true , null , { } , [ ] ] },
    "raw": "é ✓"
  }
}`;

export const APPEND_PUBLIC = String.raw`{ "messages": [
  { "id": "c-2", "role": "assistant",
    "content": [ { "type": "text", "text": "Found 3 issues" } ],
    "score": 0.1000, "max": 18446744073709551616, "ratio": 1E2 },
  { "role": "tool", "name": "nmap", "output": "PORT   STATE\n22/tcp open\t\u0000",
    "exit": 0, "float": -1.5e-400 }
] }`;

// A scheduled, public task in the shape of a SharedTaskResponse, with every TaskInfo field, upper-case
// UUIDs and offsets other than Z.
export const IMPORT_SCHEDULED = String.raw`{
  "task": {
    "id": "3F2B8C1E-9A4D-4E7B-8C21-5D6A7B8C9D0E",
    "title": "Nightly scan of staging",
    "status": "completed",
    "visibility": "public",
    "source": "github",
    "completion_delivery": "artifact",
    "is_isolated": true,
    "is_scheduled": true,
    "model": "claude-sonnet-4",
    "project_id": "9E1D2C3B-4A5F-4678-9ABC-DEF012345678",
    "secret_names": ["GITHUB_TOKEN", "SLACK_WEBHOOK_URL"],
    "created_by": "owner@example.com",
    "created_at": "2026-11-20T12:00:00.250000+02:00",
    "updated_at": "2026-11-20T10:30:00Z",
    "schedule_info": {
      "schedule_id": "7C9E6679-7425-40DE-944B-E07FC1F90AE7",
      "schedule_name": "Nightly staging scan",
      "schedule_type": "recurring",
      "schedule_status": "active",
      "execution_count": 42,
      "last_executed_at": "2026-11-19T23:00:00.000001Z",
      "next_execution_at": "2026-11-20T18:00:00-05:00",
      "scan_frequency": "daily",
      "start_time": "23:00",
      "execution_info": {
        "execution_id": "B5E3A1C2-D4F6-4789-A0B1-C2D3E4F5A6B7",
        "scheduled_at": "2026-11-19T23:00:00Z",
        "started_at": "2026-11-19T23:00:01.500Z",
        "completed_at": "2026-11-19T23:42:10.123456Z",
        "status": "completed"
      }
    }
  },
  "messages": [
    { "id": "msg-1", "role": "user", "content": "Scan staging nightly", "ts": 1732096800.000 },
    { "id": "msg-2", "role": "assistant",
      "content": [ { "type": "text", "text": "Found CVE-2024-3094 \u2014 xz backdoor" } ],
      "cvss": 10.0, "confidence": 0.950, "hosts": 12345678901234567890123 },
    { "role": "tool", "name": "nuclei", "output": "[critical] \"xz\" \/ \u00e9t\u00e9 ✓",
      "limits": { "max": 1E+2, "min": -0.0e-0, "huge": 1e400 },
      "unknown_field": [ null, true, false, { }, [ ] ] }
  ],
  "is_shared": true,
  "read_only": true
}`;

// TaskInfo of IMPORT_SCHEDULED as the owner reads it: UUIDs in lower case, times in UTC with Z and
// without trailing zeros of the fraction.
export const SCHEDULED_TASK = {
  id: '3f2b8c1e-9a4d-4e7b-8c21-5d6a7b8c9d0e',
  title: 'Nightly scan of staging',
  status: 'completed',
  visibility: 'public',
  source: 'github',
  completion_delivery: 'artifact',
  is_isolated: true,
  is_scheduled: true,
  model: 'claude-sonnet-4',
  project_id: '9e1d2c3b-4a5f-4678-9abc-def012345678',
  secret_names: ['GITHUB_TOKEN', 'SLACK_WEBHOOK_URL'],
  created_by: OWNER,
  created_at: '2026-11-20T10:00:00.25Z',
  updated_at: '2026-11-20T10:30:00Z',
  schedule_info: {
    schedule_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    schedule_name: 'Nightly staging scan',
    schedule_type: 'recurring',
    schedule_status: 'active',
    execution_count: 42,
    last_executed_at: '2026-11-19T23:00:00.000001Z',
    next_execution_at: '2026-11-20T23:00:00Z',
    scan_frequency: 'daily',
    start_time: '23:00',
    execution_info: {
      execution_id: 'b5e3a1c2-d4f6-4789-a0b1-c2d3e4f5a6b7',
      scheduled_at: '2026-11-19T23:00:00Z',
      started_at: '2026-11-19T23:00:01.5Z',
      completed_at: '2026-11-19T23:42:10.123456Z',
      status: 'completed',
    },
  },
};

// An unlisted task in the shape of a Get-task-details response, whose optional fields are absent or
// null: the server leaves them all out.
export const IMPORT_SPARSE = String.raw`{
  "task": {
    "id": "0d4c8a52-61b7-4f3e-9a08-2c5e7d9b1f34",
    "title": "One-off triage",
    "status": "aborted",
    "visibility": "unlisted",
    "source": "slack",
    "is_isolated": false,
    "is_scheduled": true,
    "created_at": "2026-10-01T08:00:00Z",
    "updated_at": "2026-10-01T08:05:00Z",
    "schedule_info": {
      "schedule_id": "e2a4c6e8-0b1d-4f3a-8c5e-7a9b1c3d5e7f",
      "schedule_name": null,
      "schedule_type": "one_time",
      "schedule_status": "completed",
      "execution_count": 1,
      "last_executed_at": null,
      "next_execution_at": null,
      "scan_frequency": null,
      "start_time": null
    }
  },
  "messages": [ { "role": "user", "content": "triage" } ]
}`;

export const SPARSE_SHARED_TASK = {
  id: '0d4c8a52-61b7-4f3e-9a08-2c5e7d9b1f34',
  title: 'One-off triage',
  status: 'aborted',
  visibility: 'unlisted',
  source: 'slack',
  is_isolated: false,
  is_scheduled: true,
  created_at: '2026-10-01T08:00:00Z',
  updated_at: '2026-10-01T08:05:00Z',
  schedule_info: {
    schedule_id: 'e2a4c6e8-0b1d-4f3a-8c5e-7a9b1c3d5e7f',
    schedule_type: 'one_time',
    schedule_status: 'completed',
    execution_count: 1,
  },
};

// TaskInfo without the fields the anonymous share view leaves out.
export function anonymous(task) {
  const { created_by: _owner, secret_names: _secrets, ...rest } = task;
  return rest;
}
