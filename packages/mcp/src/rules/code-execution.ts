import { REF } from '../references';
import { defineRule, patternRule } from './rule';

/**
 * A description that tells the model to run code or open a channel: code-call literals
 * (`eval(…)`, `subprocess(…)`, `os.system(…)`, `Buffer.from(…, "base64")` then execute),
 * "download and execute", "parse … as code and execute", reverse shells, the Docker socket.
 * A tool that executes what the user asks says so ("Runs a shell command"); it does not embed a
 * call literal or ask the model to run what it decodes or downloads. Development source:
 * AgentDefenders/mcp-scan's test strings (round 2's held-out, development since its one run).
 */
export const codeExecution = patternRule(
  defineRule(
    'WMCP028',
    'code-execution-directive',
    'high',
    'Text telling the model to run code or open a channel: eval/exec/subprocess call literals, "download and execute", "parse as code and execute", reverse shells, the Docker socket.',
    [REF.LLM01, REF.LLM06, REF.MCP03],
  ),
  [
    /\b(?:eval|exec|execSync|spawnSync|subprocess(?:\.\w+)?|os\.system|os\.popen|child_process\.\w+|new\s+Function|Runtime\.getRuntime\(\)\.exec)\s*\(\s*["'`]?[^)\s]/,
    /\b(?:download|fetch|curl|wget|pull)\w*\s+(?:and|then|&&)\s+(?:execute|run|eval|source|install)\b/i,
    /\|\s*(?:ba|z|da)?sh\b/,
    /\b(?:parse|treat|interpret)\s+(?:the\s+|its\s+)?(?:\w+\s+){0,3}?as\s+code\s+(?:and|then)\s+(?:execute|run|eval)\b/i,
    // "Parses the query and runs it" is a database tool; decoding and then *executing* is not.
    /\b(?:decode|deobfuscate|unpack)\b(?:[^.\n]|\.(?=\w)){0,60}\b(?:and|then)\s+(?:execute|eval)\b/i,
    /\b(?:concatenate|join|combine)\s+(?:all\s+)?(?:the\s+)?(?:\w+\s+){0,2}?(?:and|then)\s+(?:execute|run|eval)\b/i,
    // After round 6: code fetched from elsewhere and then run ("Downloads a script from the URL and runs it",
    // "Retrieves binaries from a URL and launches them", "… and optionally executes them immediately").
    /\b(?:download|fetch|retriev|pull)\w*\s+(?:an?\s+|the\s+)?(?:remote\s+)?(?:scripts?|payloads?|binar(?:y|ies)|executables?|files|code|programs?)\b(?:[^.\n]){0,50}?\b(?:and|then)\s+(?:optionally\s+)?(?:executes?|runs?|launch(?:es)?|evals?)\s+(?:it|them)\b/i,
    /\/dev\/tcp\//,
    // After round 7 (sumododda/mcp-scanner and GaboITB/mcp-shield, development since): reverse shells by netcat or a
    // Python socket one-liner, and a shell command substitution in a value ("$(curl evil.com)" as a default).
    /\b(?:nc|ncat|netcat)\s+(?:-\w+\s+)*-[a-z]*e\s+\/bin\/(?:ba|z)?sh\b/,
    /\bimport\s+socket\s*,\s*(?:subprocess|os|pty)\b/,
    /\bsocket\.socket\([^)]*\)[^\n]{0,120}\b(?:subprocess|pty\.spawn|os\.dup2)\b/,
    /\$\(\s*(?:curl|wget|nc|ncat|bash|sh|python3?|perl|ruby)\b[^)]*\)/,
    /\bdocker\.sock\b/i,
  ],
);
