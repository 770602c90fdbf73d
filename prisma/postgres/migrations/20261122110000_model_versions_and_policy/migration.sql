-- AlterTable
ALTER TABLE "Impression" ADD COLUMN     "features" JSONB,
ADD COLUMN     "reward" DOUBLE PRECISION,
ADD COLUMN     "rewardedAt" TIMESTAMP(3),
ADD COLUMN     "variant" TEXT;

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "strategyVersion" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "artifact" BYTEA NOT NULL,
    "metrics" JSONB NOT NULL,
    "params" JSONB NOT NULL,
    "dataFingerprint" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "trainedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promotedAt" TIMESTAMP(3),
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicySnapshot" (
    "id" SERIAL NOT NULL,
    "policy" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicySnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelVersion_strategy_status_idx" ON "ModelVersion"("strategy", "status");

-- CreateIndex
CREATE INDEX "ModelVersion_strategy_trainedAt_idx" ON "ModelVersion"("strategy", "trainedAt");

-- CreateIndex
CREATE INDEX "PolicySnapshot_policy_createdAt_idx" ON "PolicySnapshot"("policy", "createdAt");

