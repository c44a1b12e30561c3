/**
 * Loads the preset policy files in this folder (the file reading that the pure domain core
 * does not do). `loadPresets()` gives a registry with the five presets side by side.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPolicyRegistry, loadPolicy, type Policy, type PolicyRegistry } from '../domain';

/** Names of the preset policies shipped in `policies/`. */
export const PRESET_NAMES = ['paygroup', 'indetec', 'w32', 'sisnova', 'arcoiris'] as const;
/** A preset name. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** Reads and validates a policy file (YAML or JSON); throws `PolicyError` naming every bad field. */
export function loadPolicyFile(path: string): Policy {
  return loadPolicy(readFileSync(path, 'utf8'), path);
}

/** Absolute path of a preset file. */
export function presetPath(name: PresetName): string {
  return fileURLToPath(new URL(`./${name}.yaml`, import.meta.url));
}

/** Loads one preset by name. */
export function loadPreset(name: PresetName): Policy {
  return loadPolicyFile(presetPath(name));
}

/** Loads all five presets into one registry. */
export function loadPresets(): PolicyRegistry {
  return createPolicyRegistry(PRESET_NAMES.map(loadPreset));
}
