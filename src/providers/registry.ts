/** The providers this build offers. Adding a provider = one folder + one line here. */
import type { ProviderDefinition, ProviderId } from './provider-definition.js';
import { oktaProvider } from './okta/index.js';
import { entraProvider } from './entra/index.js';
import { googleProvider } from './google/index.js';

const providers: ProviderDefinition<never>[] = [oktaProvider as ProviderDefinition<never>, entraProvider as ProviderDefinition<never>, googleProvider as ProviderDefinition<never>];

export function listProviders(): ProviderDefinition<unknown>[] {
  return providers as ProviderDefinition<unknown>[];
}

export function findProvider(id: string): ProviderDefinition<unknown> | undefined {
  return listProviders().find((p) => p.id === id);
}

export const providerIds = (): ProviderId[] => providers.map((p) => p.id);
