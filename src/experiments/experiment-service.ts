/**
 * Experiments' lifecycle: create and update drafts, start, pause, resume, stop, archive, and
 * an audit entry for every change. A change and its audit entry are written in one
 * transaction, and every rule is checked before it commits (exclusivity between active
 * experiments inside it, see #write): a refusal changes nothing.
 *
 *   DRAFT --start--> RUNNING --pause--> PAUSED --start--> RUNNING
 *   RUNNING | PAUSED --stop--> STOPPED (final: a stopped experiment never restarts)
 *   DRAFT | STOPPED --archive--> hidden from `experiments` unless asked for
 */
import { rgError } from '../errors.js';
import type { Database } from '../db/index.js';
import { ACTIVE_STATUSES, columnsOf, recordOf, type ExperimentRecord, type ExperimentRow, type ExperimentStatus } from './experiment-record.js';
import { checkExclusive } from './exclusivity.js';
import {
  applyChanges,
  DESIGN_FIELDS,
  parseExperimentChanges,
  parseExperimentSpec,
  type ExperimentField,
  type ExperimentSpec,
  type VariantServing,
} from './spec.js';

/** The advisory lock key PostgreSQL serialises experiment activations on (any fixed 64-bit number). */
const ACTIVATION_LOCK = 7_263_554_001;

type Transaction = Parameters<Parameters<Database['prisma']['$transaction']>[0]>[0];

/** What the service needs to know about strategies (the registry implements it). */
export interface StrategyNames {
  has(name: string): boolean;
  names(): string[];
}

export interface AuditEntry {
  readonly action: string;
  readonly actor: string;
  readonly changes: unknown;
  readonly at: Date;
}

export interface ExperimentServiceDeps {
  readonly db: Database;
  readonly strategies: StrategyNames;
  /** Whether the meta-policy runs (variants served by it need it). @default true */
  readonly metaPolicyEnabled?: boolean;
  /** Awaited after every change (the gateway reloads its running experiments before answering). */
  readonly onChange?: () => Promise<void>;
  readonly now?: () => Date;
}

export interface ListOptions {
  readonly status?: ExperimentStatus;
  /** Also list archived experiments. @default false */
  readonly includeArchived?: boolean;
}

type Transition = 'start' | 'pause' | 'stop' | 'archive';

export class ExperimentService {
  constructor(private readonly deps: ExperimentServiceDeps) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async list(options: ListOptions = {}): Promise<ExperimentRecord[]> {
    const rows = await this.deps.db.prisma.experiment.findMany({
      where: { ...(options.status ? { status: options.status } : {}), ...(options.includeArchived ? {} : { archivedAt: null }) },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => recordOf(r as ExperimentRow));
  }

  async find(key: string): Promise<ExperimentRecord | null> {
    const row = await this.deps.db.prisma.experiment.findUnique({ where: { key } });
    return row ? recordOf(row as ExperimentRow) : null;
  }

  async get(key: string): Promise<ExperimentRecord> {
    const found = await this.find(key);
    if (!found) throw rgError('RG_ERR_EXPERIMENT_UNKNOWN', { key });
    return found;
  }

  /** RUNNING experiments, what the request path assigns from. */
  async running(): Promise<ExperimentRecord[]> {
    return this.list({ status: 'RUNNING' });
  }

  async audit(key: string): Promise<AuditEntry[]> {
    const experiment = await this.get(key);
    const rows = await this.deps.db.prisma.experimentAudit.findMany({ where: { experimentId: experiment.id }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ action: r.action, actor: r.actor, changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes, at: r.createdAt }));
  }

  async create(input: unknown, actor: string): Promise<ExperimentRecord> {
    const spec = parseExperimentSpec(input);
    await this.#checkServing(spec);
    if (await this.find(spec.key)) throw rgError('RG_ERR_EXPERIMENT_EXISTS', { key: spec.key });
    const { prisma } = this.deps.db;
    const row = await prisma.$transaction(async (tx) => {
      const created = await tx.experiment.create({ data: { key: spec.key, status: 'DRAFT', ...columnsOf(spec) } });
      await tx.experimentAudit.create({ data: { experimentId: created.id, action: 'create', actor, changes: { spec: columnsOf(spec) } } });
      return created;
    });
    await this.deps.onChange?.();
    return recordOf(row as ExperimentRow);
  }

  /**
   * Changes fields of an experiment. A draft takes any change. A running or paused one takes
   * descriptive changes (name, hypothesis, metrics, forced users) at once; a change of who
   * gets what (variants, weights, coverage, surfaces, namespace, seed, control) only with
   * `newPhase`, which starts the next phase (results restart from it).
   */
  async update(key: string, input: unknown, options: { newPhase?: boolean }, actor: string): Promise<ExperimentRecord> {
    const changes = parseExperimentChanges(input);
    const current = await this.get(key);
    if (current.archivedAt) throw this.#transitionError(current, 'be changed', 'It is archived.');
    if (current.status === 'STOPPED') throw this.#transitionError(current, 'be changed', 'Create a new experiment instead.');
    const next = applyChanges(current.spec, changes);
    const changed = (Object.keys(changes) as ExperimentField[]).filter(
      (f) => JSON.stringify(specField(current.spec, f)) !== JSON.stringify(specField(next, f)),
    );
    const design = changed.filter((f) => DESIGN_FIELDS.includes(f));
    const active = ACTIVE_STATUSES.includes(current.status);
    if (active && design.length > 0 && !options.newPhase) {
      throw rgError('RG_ERR_EXPERIMENT_RUNNING_CHANGE', { key, status: current.status, fields: design.join(', ') });
    }
    await this.#checkServing(next);
    const phaseStarts = active && options.newPhase === true;
    const now = this.#now();
    // Round-trip through JSON: the stored audit holds plain JSON values only.
    const diff = JSON.parse(
      JSON.stringify(Object.fromEntries(changed.map((f) => [f, { from: specField(current.spec, f) ?? null, to: specField(next, f) ?? null }]))),
    ) as Record<string, { from: string; to: string }>;
    const row = await this.#write(active ? next : null, async (tx) => {
      const updated = await tx.experiment.update({
        where: { id: current.id },
        data: {
          ...columnsOf(next),
          ...(phaseStarts ? { phase: current.phase + 1, phaseStartedAt: current.status === 'RUNNING' ? now : null } : {}),
        },
      });
      await tx.experimentAudit.create({ data: { experimentId: current.id, action: 'update', actor, changes: diff } });
      if (phaseStarts) {
        await tx.experimentAudit.create({
          data: { experimentId: current.id, action: 'new-phase', actor, changes: { phase: { from: current.phase, to: current.phase + 1 } } },
        });
      }
      return updated;
    });
    await this.deps.onChange?.();
    return recordOf(row as ExperimentRow);
  }

  start(key: string, actor: string): Promise<ExperimentRecord> {
    return this.#transition(key, 'start', actor);
  }

  pause(key: string, actor: string): Promise<ExperimentRecord> {
    return this.#transition(key, 'pause', actor);
  }

  stop(key: string, actor: string): Promise<ExperimentRecord> {
    return this.#transition(key, 'stop', actor);
  }

  archive(key: string, actor: string): Promise<ExperimentRecord> {
    return this.#transition(key, 'archive', actor);
  }

  async #transition(key: string, action: Transition, actor: string): Promise<ExperimentRecord> {
    const current = await this.get(key);
    const now = this.#now();
    if (current.archivedAt) throw this.#transitionError(current, action, 'It is archived.');
    let data: Record<string, unknown>;
    let to: ExperimentStatus = current.status;
    switch (action) {
      case 'start':
        if (current.status === 'RUNNING') throw this.#transitionError(current, 'start', 'It is already running.');
        if (current.status === 'STOPPED') throw this.#transitionError(current, 'start', 'A stopped experiment never restarts: create a new one (a new key).');
        await this.#checkServing(current.spec);
        to = 'RUNNING';
        data =
          current.status === 'DRAFT'
            ? { status: to, startedAt: now, phaseStartedAt: now }
            : { status: to, ...(current.phaseStartedAt ? {} : { phaseStartedAt: now }) };
        break;
      case 'pause':
        if (current.status !== 'RUNNING') throw this.#transitionError(current, 'pause', 'Only a running experiment can be paused.');
        to = 'PAUSED';
        data = { status: to };
        break;
      case 'stop':
        if (!ACTIVE_STATUSES.includes(current.status)) {
          throw this.#transitionError(current, 'stop', current.status === 'DRAFT' ? 'It never started: archive it instead.' : 'It is already stopped.');
        }
        to = 'STOPPED';
        data = { status: to, stoppedAt: now };
        break;
      case 'archive':
        if (ACTIVE_STATUSES.includes(current.status)) throw this.#transitionError(current, 'archive', 'Stop it first.');
        data = { archivedAt: now };
        break;
    }
    const row = await this.#write(action === 'start' ? current.spec : null, async (tx) => {
      const updated = await tx.experiment.update({ where: { id: current.id }, data });
      const changes = action === 'archive' ? { archived: { from: false, to: true } } : { status: { from: current.status, to } };
      await tx.experimentAudit.create({ data: { experimentId: current.id, action, actor, changes } });
      return updated;
    });
    await this.deps.onChange?.();
    return recordOf(row as ExperimentRow);
  }

  #transitionError(current: ExperimentRecord, action: string, hint: string) {
    return rgError('RG_ERR_EXPERIMENT_TRANSITION', { key: current.spec.key, status: current.status, action, hint });
  }

  /**
   * Runs `write` in a transaction; with `activating` (an experiment that is or becomes active),
   * checks it against the other active experiments inside the same transaction, after the
   * write, and rolls back on a conflict. The check must see every activation that committed
   * before it, or two conflicting experiments started at the same moment would both pass:
   * PostgreSQL serialises activations on a transaction-scoped advisory lock; on SQLite the
   * write comes first, which takes the database's one write lock before the check reads.
   */
  async #write<T>(activating: ExperimentSpec | null, write: (tx: Transaction) => Promise<T>): Promise<T> {
    const { prisma, provider } = this.deps.db;
    return prisma.$transaction(async (tx) => {
      if (activating && provider === 'postgres') await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM pg_advisory_xact_lock(${ACTIVATION_LOCK})`);
      const result = await write(tx);
      if (activating) {
        const active = await tx.experiment.findMany({ where: { status: { in: [...ACTIVE_STATUSES] } } });
        checkExclusive(
          activating,
          active.map((r) => recordOf(r as ExperimentRow).spec),
        );
      }
      return result;
    });
  }

  /** Every strategy a variant names is registered; every pinned model version exists and is of that strategy. */
  async #checkServing(spec: ExperimentSpec): Promise<void> {
    const strategies = this.deps.strategies;
    const unknown = (name: string) => rgError('RG_ERR_STRATEGY_UNKNOWN', { name, registered: strategies.names().join(', ') || '(none)' });
    for (const v of spec.variants) {
      const serving: VariantServing = v.serving;
      if (serving.kind === 'meta-policy') {
        if (this.deps.metaPolicyEnabled === false) throw rgError('RG_ERR_META_POLICY_OFF', { operation: `variant "${v.key}" (served by the meta-policy)` });
        for (const arm of serving.arms ?? []) if (!strategies.has(arm)) throw unknown(arm);
        continue;
      }
      if (!strategies.has(serving.strategy)) throw unknown(serving.strategy);
      if (serving.kind === 'model-version') {
        const version = await this.deps.db.prisma.modelVersion.findUnique({ where: { id: serving.modelVersion }, select: { strategy: true } });
        if (!version || version.strategy !== serving.strategy) throw rgError('RG_ERR_MODEL_VERSION_UNKNOWN', { id: serving.modelVersion });
      }
    }
  }
}

function specField(spec: ExperimentSpec, field: ExperimentField): unknown {
  return (spec as unknown as Record<string, unknown>)[field];
}
