/**
 * The root help lists commands from the registry without importing their modules; this keeps
 * what it says equal to what each module registers.
 */
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/registry.js';

describe('the command registry', () => {
  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))(
    'lists %s as its module registers it',
    async (name, entry) => {
      const program = new Command('payroll-ops');
      for (const register of await entry.load()) register(program);
      const command = program.commands.find((candidate) => candidate.name() === name);
      expect(command).toBeDefined();
      expect(new Help().subcommandTerm(command!)).toBe(entry.term);
      expect(command!.description()).toBe(entry.summary);
    },
  );

  it('has each command once', () => {
    const names = COMMANDS.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
