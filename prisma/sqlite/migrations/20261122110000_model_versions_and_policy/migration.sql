-- AlterTable
ALTER TABLE "Impression" ADD COLUMN "features" JSONB;
ALTER TABLE "Impression" ADD COLUMN "reward" REAL;
ALTER TABLE "Impression" ADD COLUMN "rewardedAt" DATETIME;
ALTER TABLE "Impression" ADD COLUMN "variant" TEXT;

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "strategy" TEXT NOT NULL,
    "strategyVersion" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "artifact" BLOB NOT NULL,
    "metrics" JSONB NOT NULL,
    "params" JSONB NOT NULL,
    "dataFingerprint" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "trainedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promotedAt" DATETIME,
    "retiredAt" DATETIME
);

-- CreateTable
CREATE TABLE "PolicySnapshot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "policy" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ModelVersion_strategy_status_idx" ON "ModelVersion"("strategy", "status");

-- CreateIndex
CREATE INDEX "ModelVersion_strategy_trainedAt_idx" ON "ModelVersion"("strategy", "trainedAt");

-- CreateIndex
CREATE INDEX "PolicySnapshot_policy_createdAt_idx" ON "PolicySnapshot"("policy", "createdAt");

