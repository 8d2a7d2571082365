/**
 * The `skm` command as a function: `run(argv, io)` returns the exit code and writes through
 * the injected writers, so tests call it directly. Output is written only after the whole
 * input was read and computed: a failure prints one message to stderr and nothing to stdout
 * (issue 3: no partial result printed as if it were whole).
 */
import {
  achievement,
  computeFromTally,
  getTemplate,
  IkmError,
  krejcieMorgan,
  krejcieMorganExact,
  sampleAdequacy,
  type ComputeOptions,
  type ElementSet,
  type IkmResult,
  type Lang,
  type Tally,
} from '../ikm';
import { detectLang, ikmArgs, parseRaw, sampleArgs, type RawArgs } from './args';
import { CliError, EXIT_INPUT, inputError, usageError } from './errors';
import { messages } from './messages';
import { openTable } from './read-table';
import { ikmJson, ikmText, sampleText, type IkmReport } from './render';
import { tallyTable } from './tally-file';

/** Where the command writes. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The method on a file's tally; an element nobody answered becomes a message naming its column. */
function compute(set: ElementSet, tally: Tally, options: ComputeOptions): IkmResult {
  try {
    return computeFromTally(set, tally, options);
  } catch (e) {
    if (e instanceof IkmError && e.code === 'element-unanswered' && e.element !== undefined) {
      const column = `U${e.element + 1}`;
      throw inputError((m) => m.elementUnanswered({ column }));
    }
    throw e;
  }
}

async function runIkm(raw: RawArgs, io: Io): Promise<number> {
  const args = ikmArgs(raw);
  const template = args.template ? getTemplate(args.template) : undefined;
  const source = await openTable(args.input);
  const { set, tally } = await tallyTable(source, template);
  const result = compute(set, tally, {
    weightDecimals: args.weightDecimals,
    nrrDecimals: args.nrrDecimals,
    weightedDecimals: args.weightedDecimals,
  });
  const report: IkmReport = {
    result,
    templateName: set.name[args.lang],
    input: args.input,
    blankRows: tally.blankRows,
    ...(args.target !== undefined
      ? {
          target: args.target,
          achievement: achievement(result.score, args.target, {
            polarity: args.polarity,
            cap: args.cap,
            decimals: args.achievementDecimals,
            rounding: args.achievementRounding,
          }),
          ...(args.cap !== 'none' ? { cap: args.cap } : {}),
        }
      : {}),
    ...(args.population !== undefined ? { sample: sampleAdequacy(args.population, result.respondents) } : {}),
  };
  io.stdout(args.json ? `${JSON.stringify(ikmJson(report, args.lang))}\n` : ikmText(report, messages(args.lang), args.lang));
  return 0;
}

function runSample(raw: RawArgs, io: Io): number {
  const args = sampleArgs(raw);
  const required = krejcieMorgan(args.population);
  const exact = krejcieMorganExact(args.population);
  const adequacy = args.respondents !== undefined ? sampleAdequacy(args.population, args.respondents) : undefined;
  if (args.json) {
    io.stdout(
      `${JSON.stringify({ population: args.population, sample: required, exact, ...(adequacy ? { respondents: adequacy.respondents, adequate: adequacy.adequate, shortfall: adequacy.shortfall } : {}) })}\n`,
    );
  } else {
    io.stdout(sampleText(args.population, required, exact, adequacy, messages(args.lang), args.lang));
  }
  return 0;
}

/**
 * Runs `skm` with the arguments after the program name.
 * @returns 0 on success, 1 for bad input data, 2 for a bad command line.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const lang: Lang = detectLang(argv);
  const m = messages(lang);
  try {
    const raw = parseRaw(argv);
    if (raw.flags.has('help') || raw.command === 'help') {
      io.stdout(`${m.usage()}\n`);
      return 0;
    }
    switch (raw.command) {
      case 'ikm':
        return await runIkm(raw, io);
      case 'sample':
        return runSample(raw, io);
      case undefined:
        io.stderr(`${m.usage()}\n`);
        return 2;
      default: {
        const cmd = raw.command;
        throw usageError((msg) => msg.unknownCommand(cmd));
      }
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`${e.render(m)}\n`);
      return e.exitCode;
    }
    if (e instanceof IkmError) {
      io.stderr(`${m.badOption(e.message)}\n`);
      return EXIT_INPUT;
    }
    io.stderr(`${m.internal(e instanceof Error ? e.message : String(e))}\n`);
    return EXIT_INPUT;
  }
}
