/**
 * The Avro schema Hadoop 2.7+'s JobHistory event writer puts on the second line of every .jhist
 * (the `Event` record of Events.avpr, every named type inlined where first used), built from a
 * table of its records and fields. JSON.stringify gives the same compact text Avro writes.
 */

/** Field types: Avro primitives, a named type, `?x` for the union [null, x] with default null, `[]x` an array, `{}x` a map. */
type F = [name: string, type: string];

const EVENT_TYPES = [
  'JOB_SUBMITTED', 'JOB_INITED', 'JOB_FINISHED', 'JOB_PRIORITY_CHANGED', 'JOB_STATUS_CHANGED', 'JOB_QUEUE_CHANGED', 'JOB_FAILED',
  'JOB_KILLED', 'JOB_ERROR', 'JOB_INFO_CHANGED', 'TASK_STARTED', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_UPDATED', 'NORMALIZED_RESOURCE',
  'MAP_ATTEMPT_STARTED', 'MAP_ATTEMPT_FINISHED', 'MAP_ATTEMPT_FAILED', 'MAP_ATTEMPT_KILLED', 'REDUCE_ATTEMPT_STARTED',
  'REDUCE_ATTEMPT_FINISHED', 'REDUCE_ATTEMPT_FAILED', 'REDUCE_ATTEMPT_KILLED', 'SETUP_ATTEMPT_STARTED', 'SETUP_ATTEMPT_FINISHED',
  'SETUP_ATTEMPT_FAILED', 'SETUP_ATTEMPT_KILLED', 'CLEANUP_ATTEMPT_STARTED', 'CLEANUP_ATTEMPT_FINISHED', 'CLEANUP_ATTEMPT_FAILED',
  'CLEANUP_ATTEMPT_KILLED', 'AM_STARTED',
];

const SPLITS: F[] = [['clockSplits', '[]int'], ['cpuUsages', '[]int'], ['vMemKbytes', '[]int'], ['physMemKbytes', '[]int']];

/** The records, in the order of the Event union. */
const RECORDS: [string, F[]][] = [
  ['JobFinished', [['jobid', 'string'], ['finishTime', 'long'], ['finishedMaps', 'int'], ['finishedReduces', 'int'], ['failedMaps', 'int'],
    ['failedReduces', 'int'], ['totalCounters', 'JhCounters'], ['mapCounters', 'JhCounters'], ['reduceCounters', 'JhCounters']]],
  ['JobInfoChange', [['jobid', 'string'], ['submitTime', 'long'], ['launchTime', 'long']]],
  ['JobInited', [['jobid', 'string'], ['launchTime', 'long'], ['totalMaps', 'int'], ['totalReduces', 'int'], ['jobStatus', 'string'], ['uberized', 'boolean']]],
  ['AMStarted', [['applicationAttemptId', 'string'], ['startTime', 'long'], ['containerId', 'string'], ['nodeManagerHost', 'string'],
    ['nodeManagerPort', 'int'], ['nodeManagerHttpPort', 'int']]],
  ['JobPriorityChange', [['jobid', 'string'], ['priority', 'string']]],
  ['JobQueueChange', [['jobid', 'string'], ['jobQueueName', 'string']]],
  ['JobStatusChanged', [['jobid', 'string'], ['jobStatus', 'string']]],
  ['JobSubmitted', [['jobid', 'string'], ['jobName', 'string'], ['userName', 'string'], ['submitTime', 'long'], ['jobConfPath', 'string'],
    ['acls', '{}string'], ['jobQueueName', 'string'], ['workflowId', '?string'], ['workflowName', '?string'], ['workflowNodeName', '?string'],
    ['workflowAdjacencies', '?string'], ['workflowTags', '?string']]],
  ['JobUnsuccessfulCompletion', [['jobid', 'string'], ['finishTime', 'long'], ['finishedMaps', 'int'], ['finishedReduces', 'int'],
    ['jobStatus', 'string'], ['diagnostics', '?string']]],
  ['MapAttemptFinished', [['taskid', 'string'], ['attemptId', 'string'], ['taskType', 'string'], ['taskStatus', 'string'], ['mapFinishTime', 'long'],
    ['finishTime', 'long'], ['hostname', 'string'], ['port', 'int'], ['rackname', 'string'], ['state', 'string'], ['counters', 'JhCounters'], ...SPLITS]],
  ['ReduceAttemptFinished', [['taskid', 'string'], ['attemptId', 'string'], ['taskType', 'string'], ['taskStatus', 'string'],
    ['shuffleFinishTime', 'long'], ['sortFinishTime', 'long'], ['finishTime', 'long'], ['hostname', 'string'], ['port', 'int'],
    ['rackname', 'string'], ['state', 'string'], ['counters', 'JhCounters'], ...SPLITS]],
  ['TaskAttemptFinished', [['taskid', 'string'], ['attemptId', 'string'], ['taskType', 'string'], ['taskStatus', 'string'], ['finishTime', 'long'],
    ['rackname', 'string'], ['hostname', 'string'], ['state', 'string'], ['counters', 'JhCounters']]],
  ['TaskAttemptStarted', [['taskid', 'string'], ['taskType', 'string'], ['attemptId', 'string'], ['startTime', 'long'], ['trackerName', 'string'],
    ['httpPort', 'int'], ['shufflePort', 'int'], ['containerId', 'string'], ['locality', '?string'], ['avataar', '?string']]],
  ['TaskAttemptUnsuccessfulCompletion', [['taskid', 'string'], ['taskType', 'string'], ['attemptId', 'string'], ['finishTime', 'long'],
    ['hostname', 'string'], ['port', 'int'], ['rackname', 'string'], ['status', 'string'], ['error', 'string'], ['counters', '?JhCounters'], ...SPLITS]],
  ['TaskFailed', [['taskid', 'string'], ['taskType', 'string'], ['finishTime', 'long'], ['error', 'string'], ['failedDueToAttempt', '!string'],
    ['status', 'string'], ['counters', '?JhCounters']]],
  ['TaskFinished', [['taskid', 'string'], ['taskType', 'string'], ['finishTime', 'long'], ['status', 'string'], ['counters', 'JhCounters'],
    ['successfulAttemptId', '?string']]],
  ['TaskStarted', [['taskid', 'string'], ['taskType', 'string'], ['startTime', 'long'], ['splitLocations', 'string']]],
  ['TaskUpdated', [['taskid', 'string'], ['finishTime', 'long']]],
];

/** The counters records, inlined at their first use (JobFinished.totalCounters). */
function countersType(): unknown {
  const counter = { type: 'record', name: 'JhCounter', fields: [{ name: 'name', type: 'string' }, { name: 'displayName', type: 'string' }, { name: 'value', type: 'long' }] };
  const group = { type: 'record', name: 'JhCounterGroup', fields: [{ name: 'name', type: 'string' }, { name: 'displayName', type: 'string' }, { name: 'counts', type: { type: 'array', items: counter } }] };
  return { type: 'record', name: 'JhCounters', fields: [{ name: 'name', type: 'string' }, { name: 'groups', type: { type: 'array', items: group } }] };
}

function fieldOf([name, type]: F, defined: Set<string>): Record<string, unknown> {
  const named = (t: string) => {
    if (t !== 'JhCounters' || defined.has(t)) return t;
    defined.add(t);
    return countersType();
  };
  if (type.startsWith('?')) return { name, type: ['null', named(type.slice(1))], default: null };
  // A union with no default (TaskFailed.failedDueToAttempt).
  if (type.startsWith('!')) return { name, type: ['null', type.slice(1)] };
  if (type.startsWith('[]')) return { name, type: { type: 'array', items: type.slice(2) } };
  if (type.startsWith('{}')) return { name, type: { type: 'map', values: type.slice(2) } };
  return { name, type: named(type) };
}

/** The schema line of a .jhist. */
export function jhistSchema(): string {
  const defined = new Set<string>();
  const records = RECORDS.map(([name, fields]) => ({ type: 'record', name, fields: fields.map((f) => fieldOf(f, defined)) }));
  return JSON.stringify({
    type: 'record', name: 'Event', namespace: 'org.apache.hadoop.mapreduce.jobhistory',
    fields: [{ name: 'type', type: { type: 'enum', name: 'EventType', symbols: EVENT_TYPES } }, { name: 'event', type: records }],
  });
}
