/**
 * The demo's records in the formats real clusters emit: ResourceManager `/ws/v1/cluster/apps` and
 * `/ws/v1/cluster/metrics` JSON, `sacct --parsable2` lines, and the incidents CSV.
 */
import { NODE_MB, NODE_VCORES, vcoreSeconds, type App, type MetricsSnapshot } from './hadoop.js';
import { HPC_CLUSTER, HPC_TZ, type SlurmJob, type Step } from './hpc.js';
import type { Incident } from './incidents.js';
import { localStamp, pad } from './time.js';

/** One app as the RM prints it, fields in the RM's order; `now` is when the response was taken. */
export function rmAppJson(a: App, now: number): string {
  const running = a.state === 'RUNNING';
  const finished = running ? 0 : a.finish;
  const vs = vcoreSeconds(a, now);
  const ms = vs * a.mbPerVcore;
  const seq = pad(a.seq!, 4);
  const trackingUrl = running
    ? `http://rm1.demo-hadoop.example.com:8088/proxy/${a.id}/`
    : a.type === 'MAPREDUCE'
      ? `http://jhs1.demo-hadoop.example.com:19888/jobhistory/job/job_${a.clusterTs}_${seq}`
      : a.type === 'SPARK'
        ? `http://shs1.demo-hadoop.example.com:18080/history/${a.id}/1`
        : `http://rm1.demo-hadoop.example.com:8088/cluster/app/${a.id}`;
  const containers = running ? Math.max(1, Math.round(a.vcores / (a.type === 'SPARK' ? 4 : 1))) : -1;
  return `{"id":"${a.id}","user":"${a.user}","name":${JSON.stringify(a.name)},"queue":"${a.queue}","state":"${a.state}","finalStatus":"${a.finalStatus}",`
    + `"progress":${running ? '50.0' : '100.0'},"trackingUI":"${running ? 'ApplicationMaster' : 'History'}","trackingUrl":"${trackingUrl}",`
    + `"diagnostics":${JSON.stringify(a.diagnostics)},"clusterId":${a.clusterTs},"applicationType":"${a.type}","applicationTags":"${a.tags.join(',')}",`
    + `"priority":0,"startedTime":${a.submit},"launchTime":${a.launch},"finishedTime":${finished},"elapsedTime":${(running ? now : a.finish) - a.submit},`
    + `"amContainerLogs":"http://${a.host}:8042/node/containerlogs/container_e${a.epoch}_${a.clusterTs}_${seq}_01_000001/${a.user}",`
    + `"amHostHttpAddress":"${a.host}:8042","amRPCAddress":"${a.host}:${37000 + (a.seq! % 2000)}",`
    + `"allocatedMB":${running ? a.vcores * a.mbPerVcore : -1},"allocatedVCores":${running ? a.vcores : -1},"reservedMB":${running ? 0 : -1},"reservedVCores":${running ? 0 : -1},`
    + `"runningContainers":${containers},"memorySeconds":${ms},"vcoreSeconds":${vs},"queueUsagePercentage":0.0,"clusterUsagePercentage":0.0,`
    + `"resourceSecondsMap":{"entry":{"key":"memory-mb","value":"${ms}"},"entry":{"key":"vcores","value":"${vs}"}},`
    + `"preemptedResourceMB":0,"preemptedResourceVCores":0,"numNonAMContainerPreempted":0,"numAMContainerPreempted":0,`
    + `"preemptedMemorySeconds":0,"preemptedVcoreSeconds":0,"logAggregationStatus":"${running ? 'NOT_START' : 'SUCCEEDED'}",`
    + `"unmanagedApplication":false,"amNodeLabelExpression":""}`;
}

export function rmAppsResponse(apps: App[], now: number): string {
  return apps.length ? `{"apps":{"app":[${apps.map((a) => rmAppJson(a, now)).join(',')}]}}` : '{"apps":null}';
}

export function rmMetricsJson(s: MetricsSnapshot): string {
  const totalMB = s.activeNodes * NODE_MB;
  const totalVcores = s.activeNodes * NODE_VCORES;
  const m = {
    appsSubmitted: s.appsSubmitted, appsCompleted: s.appsCompleted, appsPending: 0, appsRunning: s.appsRunning,
    appsFailed: s.appsFailed, appsKilled: s.appsKilled, reservedMB: 0, availableMB: totalMB - s.allocatedMB,
    allocatedMB: s.allocatedMB, reservedVirtualCores: 0, availableVirtualCores: totalVcores - s.allocatedVcores,
    allocatedVirtualCores: s.allocatedVcores, containersAllocated: s.allocatedVcores, containersReserved: 0, containersPending: 0,
    totalMB, totalVirtualCores: totalVcores, totalNodes: s.totalNodes, lostNodes: s.lostNodes, unhealthyNodes: s.unhealthyNodes,
    decommissioningNodes: 0, decommissionedNodes: s.decommissionedNodes, rebootedNodes: 0, activeNodes: s.activeNodes, shutdownNodes: 0,
  };
  return JSON.stringify({ clusterMetrics: m }, null, 1) + '\n';
}

export const SACCT_HEADER = 'JobID|JobIDRaw|Cluster|Partition|Account|User|Submit|Start|End|Elapsed|ExitCode|State|NNodes|NCPUS|ReqCPUS|ReqMem|ReqTRES|AllocTRES|Timelimit|NodeList|JobName|MaxRSS|TotalCPU|CPUTimeRAW|ElapsedRaw|Comment';

/** [D-]HH:MM:SS */
export function slurmDuration(s: number): string {
  const d = Math.floor(s / 86400);
  return `${d ? `${d}-` : ''}${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
/** TotalCPU as sacct prints it: [D-][HH:]MM:SS[.mmm] (milliseconds only under an hour). */
export function slurmCpuTime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const x = s % 60;
  if (d || h) return `${d ? `${d}-` : ''}${pad(h)}:${pad(m)}:${pad(Math.floor(x))}`;
  return `${pad(m)}:${x.toFixed(3).padStart(6, '0')}`;
}
const memStr = (mb: number) => (mb % 1024 === 0 ? `${mb / 1024}G` : `${mb}M`);
const t = (ms: number) => localStamp(ms, HPC_TZ);

/** What sacct prints for a job and its steps when run at `now` (state as of then). */
export function sacctLines(j: SlurmJob, now: number): string[] {
  const reqTres = `billing=${j.cpus},cpu=${j.cpus},${j.gpus ? `gres/gpu=${j.gpus},` : ''}mem=${memStr(j.reqMemMB)},node=${j.nodes}`;
  const allocTres = `billing=${j.cpus},cpu=${j.cpus},${j.gpus ? `gres/gpu:${j.gpuType}=${j.gpus},gres/gpu=${j.gpus},` : ''}mem=${memStr(j.reqMemMB)},node=${j.nodes}`;
  const reqMem = memStr(j.reqMemMB / j.nodes);
  const head = `${j.jobId}|${j.rawId}|${HPC_CLUSTER}|${j.partition}|${j.account}|${j.user}`;
  const limit = slurmDuration(j.limitS);
  if (now < j.start) {
    return [`${head}|${t(j.submit)}|Unknown|Unknown|00:00:00|0:0|PENDING|${j.nodes}|0|${j.cpus}|${reqMem}|${reqTres}||${limit}|None assigned|${j.name}||00:00:00|0|0|${j.comment}`];
  }
  const running = now < j.end;
  const end = running ? now : j.end;
  const el = Math.round((end - j.start) / 1000);
  const done = (s: Step) => s.end <= now;
  const cpu = j.steps.filter(done).reduce((x, s) => x + s.cpuSeconds, 0);
  const lines = [
    `${head}|${t(j.submit)}|${t(j.start)}|${running ? 'Unknown' : t(j.end)}|${slurmDuration(el)}|${running ? '0:0' : j.exit}|${running ? 'RUNNING' : j.state}|${j.nodes}|${j.cpus}|${j.cpus}|${reqMem}|${reqTres}|${allocTres}|${limit}|${j.nodeList}|${j.name}||${slurmCpuTime(cpu)}|${el * j.cpus}|${el}|${j.comment}`,
  ];
  for (const s of j.steps) {
    if (s.start > now) continue;
    const fin = done(s);
    const sEl = Math.round(((fin ? s.end : now) - s.start) / 1000);
    const state = !fin ? 'RUNNING' : stepState(j, s);
    const exit = !fin ? '0:0' : s.id === 'extern' ? '0:0' : j.exit;
    const tres = `cpu=${s.cpus},mem=${memStr(j.reqMemMB / j.nodes * s.nodes)},node=${s.nodes}`;
    lines.push(
      `${j.jobId}.${s.id}|${j.rawId}.${s.id}|${HPC_CLUSTER}||${j.account}||${t(s.start)}|${t(s.start)}|${fin ? t(s.end) : 'Unknown'}|${slurmDuration(sEl)}|${exit}|${state}|${s.nodes}|${s.cpus}|${s.cpus}|||${tres}||${s.nodes === 1 ? firstNode(j.nodeList) : j.nodeList}|${s.name}|${fin ? (s.maxRssKB ? `${s.maxRssKB}K` : '0') : ''}|${fin ? slurmCpuTime(s.cpuSeconds) : '00:00:00'}|${sEl * s.cpus}|${sEl}|`,
    );
  }
  return lines;
}

function stepState(j: SlurmJob, s: Step): string {
  if (s.id === 'extern') return j.state === 'NODE_FAIL' ? 'CANCELLED' : 'COMPLETED';
  if (j.state === 'TIMEOUT' || j.state === 'NODE_FAIL') return 'CANCELLED';
  if (j.state.startsWith('CANCELLED')) return j.state;
  const last = j.steps[j.steps.length - 1];
  if (s === last || s.id === 'batch') return j.state;
  return 'COMPLETED';
}

function firstNode(list: string) {
  const m = /^([a-z]+)\[(\d+)-\d+\]$/.exec(list);
  return m ? `${m[1]}${m[2]}` : list;
}

export function incidentsCsv(incidents: Incident[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['cluster,start,end,severity,title,ticket', ...incidents.map((i) => [i.cluster, i.start, i.end, i.severity, q(i.title), i.ticket].join(','))].join('\n') + '\n';
}
