/**
 * `als`: implicit-feedback matrix factorisation (Hu, Koren, Volinsky 2008) trained with
 * conjugate-gradient ALS (Takács et al. 2011), the collaborative-filtering baseline every
 * learned strategy is compared with. See docs/strategies/cf.md.
 */
import { defineStrategy } from '../../contract.js';
import { ALS_STRATEGY_NAME, alsModelFromArtifact, type AlsModel } from './als-model.js';
import { alsParams, type AlsParams } from './params.js';
import { recommendAls } from './recommend.js';
import { similarAls } from './similar.js';
import { trainAls } from './train.js';

export { alsParams, type AlsParams } from './params.js';
export type { AlsModel } from './als-model.js';

export const alsStrategy = defineStrategy<AlsParams, AlsModel>({
  name: ALS_STRATEGY_NAME,
  version: '1.0.0',
  description: 'Implicit ALS matrix factorisation; folds in new users from their history.',
  params: alsParams,
  train: trainAls,
  load: (artifact) => alsModelFromArtifact(artifact),
  recommend: recommendAls,
  similar: similarAls,
  // Model search (docs/model-search.md): the params whose best value depends most on the data.
  searchSpace: {
    factors: { kind: 'int', min: 8, max: 128, log: true },
    regularization: { kind: 'float', min: 0.001, max: 10, log: true },
    alpha: { kind: 'float', min: 1, max: 100, log: true },
    iterations: { kind: 'int', min: 5, max: 30 },
  },
});
