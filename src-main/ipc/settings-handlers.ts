// The settings channels: main owns the values (settings/settings-service.ts) and validates
// every patch against the contract's registry before it is stored.
import type { Handlers } from './dispatch.ts';
import type { SettingsService } from '../settings/settings-service.ts';

export function settingsHandlers(settings: SettingsService): Pick<Handlers, 'settings:get' | 'settings:set'> {
  return {
    'settings:get': () => settings.get(),
    'settings:set': (patch) => settings.set(patch),
  };
}
