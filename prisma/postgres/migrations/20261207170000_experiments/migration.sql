-- AlterTable
ALTER TABLE "Impression" ADD COLUMN     "experimentKey" TEXT,
ADD COLUMN     "experimentPhase" INTEGER,
ADD COLUMN     "experimentVariant" TEXT;

-- CreateTable
CREATE TABLE "Experiment" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hypothesis" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "surfaces" JSONB NOT NULL,
    "coverage" DOUBLE PRECISION NOT NULL,
    "seed" TEXT,
    "namespace" TEXT,
    "rangeStart" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "rangeEnd" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "variants" JSONB NOT NULL,
    "controlVariant" TEXT NOT NULL,
    "primaryMetric" TEXT NOT NULL,
    "guardrailMetrics" JSONB NOT NULL,
    "conversionType" TEXT NOT NULL DEFAULT 'purchase',
    "forcedVariants" JSONB NOT NULL,
    "phase" INTEGER NOT NULL DEFAULT 1,
    "phaseStartedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "stoppedAt" TIMESTAMP(3),
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExperimentAudit" (
    "id" SERIAL NOT NULL,
    "experimentId" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "changes" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentAudit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Experiment_key_key" ON "Experiment"("key");

-- CreateIndex
CREATE INDEX "Experiment_status_idx" ON "Experiment"("status");

-- CreateIndex
CREATE INDEX "ExperimentAudit_experimentId_createdAt_idx" ON "ExperimentAudit"("experimentId", "createdAt");

-- CreateIndex
CREATE INDEX "Impression_experiment_idx" ON "Impression"("experimentKey", "experimentPhase", "experimentVariant", "userExternalId");

-- AddForeignKey
ALTER TABLE "ExperimentAudit" ADD CONSTRAINT "ExperimentAudit_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
