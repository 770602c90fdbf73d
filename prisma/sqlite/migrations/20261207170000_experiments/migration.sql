-- AlterTable
ALTER TABLE "Impression" ADD COLUMN "experimentKey" TEXT;
ALTER TABLE "Impression" ADD COLUMN "experimentPhase" INTEGER;
ALTER TABLE "Impression" ADD COLUMN "experimentVariant" TEXT;

-- CreateTable
CREATE TABLE "Experiment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hypothesis" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "surfaces" JSONB NOT NULL,
    "coverage" REAL NOT NULL,
    "seed" TEXT,
    "namespace" TEXT,
    "rangeStart" REAL NOT NULL DEFAULT 0,
    "rangeEnd" REAL NOT NULL DEFAULT 1,
    "variants" JSONB NOT NULL,
    "controlVariant" TEXT NOT NULL,
    "primaryMetric" TEXT NOT NULL,
    "guardrailMetrics" JSONB NOT NULL,
    "conversionType" TEXT NOT NULL DEFAULT 'purchase',
    "forcedVariants" JSONB NOT NULL,
    "phase" INTEGER NOT NULL DEFAULT 1,
    "phaseStartedAt" DATETIME,
    "startedAt" DATETIME,
    "stoppedAt" DATETIME,
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ExperimentAudit" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "experimentId" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "changes" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ExperimentAudit_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Experiment_key_key" ON "Experiment"("key");

-- CreateIndex
CREATE INDEX "Experiment_status_idx" ON "Experiment"("status");

-- CreateIndex
CREATE INDEX "ExperimentAudit_experimentId_createdAt_idx" ON "ExperimentAudit"("experimentId", "createdAt");

-- CreateIndex
CREATE INDEX "Impression_experiment_idx" ON "Impression"("experimentKey", "experimentPhase", "experimentVariant", "userExternalId");
