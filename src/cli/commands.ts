import { configCheckCommand } from './commands/config-check.ts';
import { serveCommand } from './commands/serve.ts';
import { hubCommand } from './commands/hub.ts';
import { demoCommand } from './commands/demo.ts';
import { detectCommand } from './commands/detect.ts';
import { auditVerifyCommand } from './commands/audit-verify.ts';
import { auditExportCommand } from './commands/audit-export.ts';
import { evalCommand } from './commands/eval.ts';
import { adaptCommand } from './commands/adapt.ts';
import { errorsCommand } from './commands/errors.ts';
import { qrMachineCommand } from './commands/qr-machine.ts';
import { certificatesLedgerCommand } from './commands/certificates-ledger.ts';
import { reportCommand } from './commands/report.ts';
import { simChipsCommand } from '../../streams-sim/chips-command.ts';
import { simCommand, simFaultCommand } from './commands/sim.ts';
import { hubBoxKeyCommand, hubNatsConfigCommand } from './commands/hub-nats.ts';

export interface Command {
  /** One line for `jianhu --help`. */
  summary: string;
  /** What `jianhu <command> --help` prints on stdout (zh + en): the synopsis, options, exit codes. */
  usage: string;
  /** Resolves to the process exit code: 0 ok, 1 failure, 2 bad usage or bad input. */
  run(args: string[]): Promise<number>;
}

/** Every command, in the order `jianhu --help` lists them. Two-word commands are keyed "a b". */
export const commands: Record<string, Command> = {
  serve: serveCommand,
  demo: demoCommand,
  hub: hubCommand,
  'config check': configCheckCommand,
  detect: detectCommand,
  eval: evalCommand,
  adapt: adaptCommand,
  'audit verify': auditVerifyCommand,
  'audit export': auditExportCommand,
  'qr machine': qrMachineCommand,
  'certificates ledger': certificatesLedgerCommand,
  report: reportCommand,
  'sim chips': simChipsCommand,
  sim: simCommand,
  'sim fault': simFaultCommand,
  'hub nats-config': hubNatsConfigCommand,
  'hub box-key': hubBoxKeyCommand,
  errors: errorsCommand,
};
