/**
 * Steps the issue names that the control API cannot drive yet. A scenario using one is refused
 * (exit status 2) with the operation that is missing, rather than skipped and counted as passing.
 * docs/scenarios.md "Not yet covered" lists the seed rows waiting on these.
 */
export const UNSUPPORTED_STEPS: Readonly<Record<string, string>> = Object.freeze({
  'conference': 'no conference route: the API pairs exactly two legs (API_ERR_MULTIPARTY_UNSUPPORTED) and cannot insert a conference bridge',
  'conference-add': 'no route to add a participant (a third leg) to a conference',
  'conference-remove': 'no route to leave a conference; and a conference cannot be built (see "conference")',
  'meet-me': 'no meet-me route (minimum security level, CALL_ERR_BELOW_MINIMUM_SECURITY)',
  'barge': 'no barge route, and a barge adds a third leg, which the API refuses',
  'barge-tone-end': 'no route to end the SIP barge tone (endBargeTone)',
  'video-on': 'no route to add a video stream to an existing leg (PATCH .../legs/:legId only changes remote addresses)',
  'video-off': 'no route to remove a stream from an existing leg',
  'rekey': 'no rekey route (new master keys for a leg, with the ROC carried over)',
});
