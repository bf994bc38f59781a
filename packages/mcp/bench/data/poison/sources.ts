/**
 * Public repositories with poisoned (and benign) MCP tool definitions, written by others.
 * `role` says how each is used: `development` sources were read (and labelled by us in
 * labels.json, or by their fixture names) while the scanner's rules were written; `held-out`
 * sources are labelled by their own structure (the test or fixture a definition sits in), with
 * the mapping written before the scanner was run on them, and are run once after the rules are
 * frozen. Nothing from these repositories is committed: prepare.ts reads the local mirrors (see
 * its header for how to get them).
 *
 * Protocol, round 2 (written before the new sources were searched for): the round-1 held-out
 * sources (tool-scan, medusa) were looked at while round-1 misses were analysed, so they are now
 * `development`. A new source is `held-out` only if its labels follow mechanically from its
 * author's structure (test titles such as "detects …" vs "returns no findings for clean tools",
 * file or tool names such as "malicious…"/"benign…"); every other new source (demo and CTF servers
 * that need our judgement) is `development` and labelled by us in labels.json.
 */
export interface PoisonSource {
  repo: string;
  commit: string;
  licence: string;
  role: 'development' | 'held-out';
  /** Held-out sources labelled by their own structure (the fixture function's name), unread by us. */
  labelBy?:
    | 'fixture-name'
    | 'test-title'
    | 'tool-name'
    | 'describe-test'
    | 'should-title'
    | 'pytest-class'
    | 'should-subject'
    | 'go-test'
    | 'pytest-name'
    | 'unittest-class'
    | 'fixture-file'
    | 'attack-meta'
    | 'fixture-file-name'
    | 'pytest-flags'
    | 'scenario-override'
    | 'server-file'
    | 'pytest-test-name'
    | 'suite-module';
  /** Files (path prefixes) holding tool definitions. */
  paths: readonly string[];
  note: string;
}

export const POISON_SOURCES: readonly PoisonSource[] = [
  {
    repo: 'riseandignite/mcp-shield',
    commit: '379140c3555bf35c6f8f451ee320da24302e792e',
    licence: 'MIT',
    role: 'development',
    paths: ['mcp-servers-example/'],
    note: 'example poisoned servers of an MCP scanner (JS, McpServer.tool)',
  },
  {
    repo: 'SamsonCyber/mcp-poison',
    commit: '19ddfa8c686e6aacf697d2e42e0c85efaca78fe5',
    licence: 'MIT',
    role: 'development',
    paths: ['fixtures/'],
    note: 'JSON tools/list fixtures of a Rust MCP scanner',
  },
  {
    repo: 'gensecaihq/mcp-poisoning-poc',
    commit: '67fd8c6fdeeec33be27cdd16271855914f1ab000',
    licence: 'MIT',
    role: 'development',
    paths: ['src/'],
    note: 'proof-of-concept poisoning attacks (Python)',
  },
  {
    repo: 'nmeisenzahl/hijack-agentic-ai',
    commit: '02d9298e831323a07cc657cfc9c2bc726cba056e',
    licence: 'MIT',
    role: 'development',
    paths: ['demos/demo2-mcp-tool-abuse/src/mcp_servers/'],
    note: 'conference demo: poisoned weather server (FastMCP)',
  },
  {
    repo: 'TUM-DSE/MCPSecBench',
    commit: '29ba2fa6b40c1eb09e858a5d9371a529d93da8c3',
    licence: 'MIT',
    role: 'development',
    paths: ['code/'],
    note: 'MCPSecBench attack servers (FastMCP)',
  },
  {
    repo: 'devsecboy/damn-vulnerable-MCP-server',
    commit: 'a8310accdc6bc8b0069d9d2502d722072e343d02',
    licence: 'none stated in this fork (upstream DVMCP); not committed',
    role: 'development',
    paths: ['challenges/'],
    note: 'CTF of ten vulnerable servers (FastMCP), stdio variants',
  },
  {
    repo: 'pi-2r/devoxxfr2026-workshop-jailbreak-prompt-injection-mcp-poisoning',
    commit: 'edc0ae7019d44b059345d6bdc846ad6b0a579d6b',
    licence: 'none stated; not committed',
    role: 'development',
    paths: ['mcp/', 'lab/agent-skill-supply-chain-exfiltration-server/src/'],
    note: 'workshop labs: poisoning, shadowing, rug pull, command injection servers (TypeScript)',
  },
  {
    repo: 'Isaac-theori/Vulnerable-MCP-server',
    commit: '79998ab3d6b3788fd449659a95f5360ddd857313',
    licence: 'none stated; not committed',
    role: 'development',
    paths: ['src/'],
    note: 'a deliberately vulnerable character-counter server (FastMCP)',
  },
  {
    repo: 'beejak/Vulnerable-MCP-Server',
    commit: '03534e2f6da5cc83c67de084d16656ade71d8902',
    licence: 'MIT (pyproject.toml)',
    role: 'development',
    paths: ['vulnerabilities/'],
    note: 'vulnerable-by-design server modules (Python)',
  },
  {
    repo: 'mcp-tool-shop/tool-scan',
    commit: '81f2061d4335a4ca6dbf7899af55dff205f56c80',
    licence: 'MIT',
    role: 'development',
    labelBy: 'fixture-name',
    paths: ['tests/'],
    note: 'test fixtures of a Python MCP tool scanner; labels from fixture names (held out in round 1, development since round 2)',
  },
  {
    repo: 'joshmaster2165/medusa',
    commit: '06f20a18807c959c62b44a350b65ba624786d945',
    licence: 'Apache-2.0',
    role: 'development',
    labelBy: 'fixture-name',
    paths: ['tests/'],
    note: 'test fixtures of a Python MCP security scanner; labels from fixture names (held out in round 1, development since round 2)',
  },
  // Round 2, development (labelled by us in labels.json).
  {
    repo: 'shruti-datta-gupta/mcp-ctf',
    commit: 'a6b7f5d748b219dc4b2c9643693b76a9702a364c',
    licence: 'none stated; not committed, not used for training',
    role: 'development',
    paths: ['.'],
    note: 'workshop CTF of six vulnerable servers (FastMCP)',
  },
  {
    repo: 'TRextabat/valun_project',
    commit: 'e4d431818d8b25efc4b3c8d33fa7ec911560dbac',
    licence: 'none stated; not committed, not used for training',
    role: 'development',
    paths: ['mcp_server/'],
    note: 'school assessment: a poisoned file server (FastMCP)',
  },
  {
    repo: 'kholcomb/DevSecOps_Arena',
    commit: 'a46d7e9ca24b304e7dacb957782160723e1bb37b',
    licence: 'none stated; not committed, not used for training',
    role: 'development',
    paths: ['domains/mcp/servers/'],
    note: 'training arena: MCP challenge servers (Python)',
  },
  // Round 2 held-out (labels from the author's own structure, mapping fixed before the run), run once
  // at 844846b and reported in the README; development since (round 3).
  {
    repo: 'AgentDefenders/mcp-scan',
    commit: 'ae270343371fb29116fed082ca2dc6405d64a04d',
    licence: 'MIT',
    role: 'development',
    labelBy: 'test-title',
    paths: ['tests/analyzers.test.ts'],
    note: 'vitest suite of a TypeScript MCP scanner: tools inside it("detects …") are poisoned, the clean server\'s are benign (held out in round 2, run once at 844846b: 17 of 101 found; development since)',
  },
  {
    repo: 'nik1097/mcp-swiss-knife',
    commit: '85e9b120eb60fd722b9da60c0a36dcc201e78af2',
    licence: 'MIT',
    role: 'development',
    labelBy: 'tool-name',
    paths: ['test_malicious_server.json'],
    note: 'a malicious test server of a Python MCP scanner: tools named "benign…" are benign, the rest poisoned (held out in round 2, run once: 3 of 3; development since)',
  },
  // Round 3 held-out: found after the round-3 rules were committed (0ecee8f); labels from the
  // author's describe blocks and test titles (labelFromDescribeAndTest), mapping written before its
  // one run (14 of 26 found, README); development since round 4.
  {
    repo: 'alexandriashai/cbrowser',
    commit: '6da45972722c4e1f15288ab3ebbe0b515206b8dd',
    licence: 'MIT',
    role: 'development',
    labelBy: 'describe-test',
    paths: ['tests/description-scanner.test.ts'],
    note: 'bun test suite of the tool-description injection scanner of a browser-automation MCP server',
  },
  // Round 4 held-out: found after round 3 was landed; labels from the author's describe blocks and
  // "should detect" / "should NOT flag" titles (labelFromShouldTitle), mapping written before its one
  // run at 8b1dcb9 (20 of 27 found, README). Its DVMCP-derived test file and DVMCP-named tests are left
  // out (DVMCP is a development source). Development since (no round-5 held-out source was found).
  {
    repo: 'triepod-ai/inspector-assessment',
    commit: '21d86227f76f2016c46e2ea7b2017b2f4c9fcc3d',
    licence: 'MIT',
    role: 'development',
    labelBy: 'should-title',
    paths: [
      'client/src/services/assessment/__tests__/DescriptionPoisoningDetector.test.ts',
      'client/src/services/assessment/modules/ToolAnnotationAssessor.descriptionPoisoning.test.ts',
    ],
    note: 'jest suites of the description-poisoning detector of an MCP Inspector fork',
  },
  // Round 5 held-out: found after round 4's rules and the rules after it (3895478) were on main; labels from
  // the authors' pytest classes and test names (labelFromPytestClass) and vitest titles (labelFromShouldSubject),
  // mapping written before its one run with the rules frozen at main 83349b9 (19 of 28 found, README). Only
  // test names, titles and the code's shape (string literals masked) were read before the run. Development since.
  {
    repo: 'microsoft/agent-governance-toolkit',
    commit: 'b5705588883fac48b88cbe6fd0bd7d48c798453e',
    licence: 'MIT',
    role: 'development',
    labelBy: 'pytest-class',
    paths: ['agent-governance-python/agent-os/tests/test_mcp_security.py'],
    note: 'pytest suite of the MCP security scanner of an agent-governance toolkit (scan_tool calls, schemas included)',
  },
  {
    repo: 'rodolfboctor/mcp-scan',
    commit: 'c58a9e98600dda8a76a5fcabe2b1a451528287bf',
    licence: 'MIT',
    role: 'development',
    labelBy: 'should-subject',
    paths: ['tests/scanners/tool-poisoning-scanner.test.ts'],
    note: 'vitest suite of the tool-poisoning scanner of a TypeScript MCP scanner',
  },
  // Round 6 held-out: a second new source found in round 5's search, held out for one run on the final rules
  // of this session; labels from its Go test names (labelFromGoTest), mapping written before the run. It was
  // mirrored by an earlier helper during round 2's search and never used or recorded; whether its strings were
  // read then is unknown. Read in this session before the run: test names and the code with strings masked.
  // Run once at main 93d02a4 (53 of 81 found, README); development since.
  {
    repo: 'luckyPipewrench/pipelock',
    commit: '408651293dfc175df407662de27216b5ea7cc66b',
    licence: 'Apache-2.0',
    role: 'development',
    labelBy: 'go-test',
    paths: ['internal/mcp/tools/tools_test.go'],
    note: 'Go tests of the MCP tool-poisoning scanner of an agent security proxy',
  },
  // Round 7 held-out: found in this round's search (after the rules after round 6's run, 8821402, were on main), none
  // of them mirrored before; labels from the authors' own structure (labelFromPytestName, labelFromUnittestClass,
  // labelFromFixtureFile), written before the one run with the rules frozen at main bd6ce16. Before the run only file
  // paths, test class and function names, the code's shape with string literals and comments masked, and the keys and
  // string lengths of the fixture files were read, not the descriptions (README, round 7). Run once at 1ba34a2 (main 0994118) (76 of
  // 99 found at precision 1.000, README); development since.
  {
    repo: 'sumododda/mcp-scanner',
    commit: '5770a8aa96c2e921db1831fe08e1e579220bca53',
    licence: 'MIT (stated in its README; no licence file); not committed',
    role: 'development',
    labelBy: 'pytest-name',
    paths: ['backend/tests/checkers/test_tool_poisoning.py'],
    note: 'pytest suite of the tool-poisoning checker of an MCP security scanner (ToolDefinition(...) constructions, schemas whole)',
  },
  {
    repo: 'GaboITB/mcp-shield',
    commit: '5b720423d23764790011e8971993fb9850a29e39',
    licence: 'MIT',
    role: 'development',
    labelBy: 'unittest-class',
    paths: ['tests/test_meta_detectors.py', 'tests/test_detectors.py'],
    note: 'unittest suites of the metadata detectors of an MCP security auditor (scan_tool(name, description, schema) calls)',
  },
  {
    repo: 'saqreed/argusgate',
    commit: '6bbb854e64a322c84d8372ea3cd5548a01262ab2',
    licence: 'Apache-2.0',
    role: 'development',
    labelBy: 'fixture-file',
    paths: ['examples/fixtures/malicious-tools.yaml', 'examples/fixtures/safe-tools.yaml'],
    note: 'YAML tool-list fixtures of an MCP scanner, one named malicious and one named safe',
  },
  {
    repo: 'adudley78/mcp-audit',
    commit: '6e8836fa632b116944d75420ece1d3733dff45b7',
    licence: 'Apache-2.0',
    role: 'development',
    labelBy: 'fixture-file',
    paths: [
      'tests/fixtures/exploits/',
      'tests/fixtures/malicious_config.json',
      'semgrep-rules/tests/typescript/poisoning/',
      'semgrep-rules/tests/typescript/clean/',
      'semgrep-rules/tests/python/clean/',
      'semgrep-rules/tests/python/vulnerable/poisoning_examples.py',
    ],
    note: "exploit fixtures (client configurations with tools) and the poisoning rules' vulnerable/safe Semgrep test servers of an MCP auditor",
  },
  // Round 8 held-out (run once at d5181f5, rules as at 6d444d1: 427 of 575 found at precision 1.000, README; development
  // since, their misses read after that run): found in this round's search (after the rules after round 7's run, 2fa7dbf, were on main), none of
  // them mirrored or used before; the scanner is frozen at main 6d444d1 (packages/mcp/src as at 2fa7dbf and 482bb18,
  // whose classifier hashing is the same). Labels follow from the authors' own structure (labelFromAttackMeta,
  // labelFromFixtureFileAndName), written and committed before the one run. Extraction: these sources' JSON is read with
  // the whole input schema, `_meta.is_attack` per tool and attack-corpus records (prepare.ts, selfLabelled); the other
  // sources' extraction is unchanged. Bench rules fixed with this protocol: a held-out definition whose description is
  // exactly a development source's is left out (seen while developing); a tool of a poisoned fixture file with the same
  // name and description as a benign file's tool of the same source is a control, counted benign; the attack-meta files
  // are collections of independent cases (one attacker tool each), so each definition is scanned alone. Read before the
  // run: file paths and sizes, licence fields, the JSON files' keys, tool names, `_meta` labels and string lengths (not
  // the descriptions), the corpus records' ids, categories, injection points and source URLs, the upstream URL and the
  // comments of fuzzd's regenerate_actual.py, and lines of its bench README naming files and licences. Seen by accident:
  // one corpus record's expected_behavior ("Agent reads ~/.ssh/id_rsa and writes its contents to /tmp/.s…") and, in
  // regenerate_actual.py's comments, the phrases its heuristic uses for MCPTox's argument-hijacking paradigm ("priority
  // is higher than the user's query", "when using/calling <tool>", "regardless of … user/input/provided"). No rule is
  // changed before the run. Extracted and labelled before the run (counts only): fuzzd 547 poisoned (MCPTox 485, its own
  // 44, corpus records 18), 20 benign, 11 records left out; MCP-AuditGuard 9 and 3 (1 left out: a rug pull's before
  // state); smart-mcp-proxy 4 and 3; devsoniclk 6 and 0; perparimmjeku 4 and 1; sentinelmcp 2 and 5 (its poisoned file's
  // copy of a clean tool is extracted once, as clean); cir-monitor 3 and 1; one benign text equal to a development
  // source's left out: 575 poisoned, 33 benign.
  {
    repo: 'ksek87/fuzzd',
    commit: '8cacd08b42f0577281dac7c6306d24a088135f77',
    licence:
      'MIT (Cargo.toml and README; no licence file); bench/mcptox_actual.json is MCPTox-Benchmark pure_tool.json (zhiqiangwang4/MCPTox-Benchmark, licence not verified: no snapshot reachable); not committed, not used for training',
    role: 'development',
    labelBy: 'attack-meta',
    paths: ['bench/mcptox_actual.json', 'bench/mcptox_representative.json', 'bench/clean_tools.json', 'corpus/'],
    note: "an MCP fuzzer's detection bench: MCPTox's 485 attack tools, 44 of its own MCPTox-style attacks and 20 clean tools (each with `_meta.is_attack`), and its attack corpus records (payload per injection point); records citing Invariant Labs (reserved) or MCPSecBench (development) left out",
  },
  {
    repo: 'MCP-AuditGuard/MCP-AuditGuard',
    commit: 'c817e668b5eeba884c5842088222e2272324883a',
    licence: 'none stated; not committed, not used for training',
    role: 'development',
    labelBy: 'fixture-file-name',
    paths: ['tests/fixtures/benign_tools.json', 'tests/fixtures/malicious_tools.json', 'vulnerable-lab/'],
    note: "an MCP auditor's benign/malicious tool fixtures and its vulnerable lab's numbered attack scenarios (branch develop)",
  },
  {
    repo: 'smart-mcp-proxy/mcp-scanner',
    commit: 'e424f47752ab3c99acb413c09cb8886fb4aca3bc',
    licence: 'Apache-2.0 (pyproject.toml)',
    role: 'development',
    labelBy: 'fixture-file-name',
    paths: ['tests/fixtures/malicious_tools.json', 'tests/fixtures/clean_tools.json'],
    note: "an MCP scanner's malicious and clean tools-list fixtures",
  },
  {
    repo: 'devsoniclk/mcp-shield',
    commit: '1e4a8a1aeb1c0a07a6472ad6e5ed2eaf9a4cb5af',
    licence: 'MIT',
    role: 'development',
    labelBy: 'fixture-file-name',
    paths: ['tests/fixtures/malicious_tools.json'],
    note: "an MCP security proxy's malicious tools fixture",
  },
  {
    repo: 'perparimmjeku/mcp-tool-auditor',
    commit: '54f89d959d2f31163218cfef918352e31f2d07b0',
    licence: 'MIT',
    role: 'development',
    labelBy: 'fixture-file-name',
    paths: ['tests/fixtures/poisoned_tools.json'],
    note: "an MCP tool auditor's poisoned tools fixture (with a tool named normal_… as its control)",
  },
  {
    repo: 'saratala/sentinelmcp',
    commit: '500bacddb720422f9c86c8f99f7c4c06596db3be',
    licence: 'none stated; not committed, not used for training',
    role: 'development',
    labelBy: 'fixture-file-name',
    paths: ['tests/fixtures/poisoned_tools.json', 'tests/fixtures/clean_tools.json'],
    note: "an MCP security gateway's poisoned and clean tools fixtures",
  },
  {
    repo: 'OluwaseunOlajide/cir-monitor',
    commit: '80816b28e1c4e4ae5451e9a9559207c1c3fdb60a',
    licence: 'MIT (pyproject.toml)',
    role: 'development',
    labelBy: 'fixture-file-name',
    paths: ['tests/fixtures/poisoned_tools.json', 'tests/fixtures/clean_tools.json'],
    note: "an agent monitor's poisoned and clean tools fixtures (branch master)",
  },
  // Round 9 held-out (run once at 1008f70 (edb440f on main), rules as at main 1a7239b: 10 of 11 found, 3 of 21 benign flagged, README;
  // development since, its false positives and miss read after that run): found in this round's search after the rules after round 8's run were written (2ac00a1, on main as
  // 1a7239b), neither mirrored nor used before; the scanner is frozen at main 1a7239b (packages/mcp/src unchanged since;
  // the protocol commit only adds these sources, their label maps and extraction). Labels follow from the authors' own structure
  // (labelFromPytestFlags, labelFromScenarioOverride), written and committed before the one run. Read before the run:
  // file paths and sizes, the licence files' first lines, the test code with string literals masked (tool-name strings in
  // the probe test's assertions left visible), the mock server's and the scenarios' tool names, variable names, scenario
  // ids and categories and the descriptions' lengths; not the descriptions. Extracted and labelled before the run (counts
  // only): redcell 8 poisoned, 17 benign (written as 13 before the run, a miscount of the same labels; 2 left out: a test that flags one text and spares another), tool-poisoning-bench 3
  // and 4 (pytest_tools.py now also reads ToolSpec/_spec calls; py_literals.py reads module literals; the development
  // sources' extraction is unchanged, checked by hash). Small: 11 poisoned, 21 benign.
  {
    repo: 'Blute122/redcell',
    commit: '0f79c878cceabc03152e70777ad85c17fb4cc29c',
    licence: 'Apache-2.0',
    role: 'development',
    labelBy: 'pytest-flags',
    paths: ['tests/test_tool_poisoning.py', 'tests/mock_mcp_server.py'],
    note: "pytest suite of an MCP red-team tool's tool-poisoning detector, and the mock server its probe test scans",
  },
  {
    repo: 'harryc295/tool-poisoning-bench',
    commit: '9a5c49669f2e50da8e7cfc571ff35dc77cccb034',
    licence: 'MIT',
    role: 'development',
    labelBy: 'scenario-override',
    paths: ['scenarios.py'],
    note: 'a tool-poisoning benchmark: four base tools and the scenarios that override one tool description',
  },
  // Round 10 held-out (run once at f70d701 on main, rules as at 3be8624: 29 of 169 found at precision 0.967, README; development
  // since, its misses read after that run, which showed three labels wrong for definitions: VIGIL I-A templates, enkrypt's
  // response-poisoning server, watchtower's `safe…` tool): found in this round's search (after the rules after round 9's run, 682bee1, were on main), none of
  // them mirrored or used before; the scanner is frozen at main 3be8624 (682bee1's rules plus the review's refactor of
  // src/rules/unicode.ts; the protocol commit only adds these sources, their label maps and extraction). Labels follow from
  // the authors' own structure (labelFromServerFile, labelFromTestName, labelFromSuiteModule), written and committed before
  // the one run. Extraction: py_tools.py reads these sources' Python (decorated FastMCP tools, Tool(...) and tool dicts with
  // the enclosing test's name; with --module-functions a suite's plain function tools, AgentDojo style); their JSON keeps
  // the whole schema; the earlier sources' extraction is unchanged (checked by hash). Bench rules: each test of a
  // 'pytest-test-name' source is one server (one scenario), and its tool dicts with a schema and no description are kept;
  // a 'suite-module' source's default tools are read first, so an unchanged adversarial copy counts once, as the default.
  // Extracted and labelled before the run (counts only): 169 poisoned, 93 benign (README, round 10, with what was read).
  {
    repo: 'enkryptai/secure-mcp-gateway',
    commit: 'b4f0165e1f17100313b2b78164cf035a2ff084f5',
    licence: 'Apache-2.0',
    role: 'development',
    labelBy: 'server-file',
    paths: [
      'src/secure_mcp_gateway/bad_mcps/tool_poisoning_mcp.py',
      'src/secure_mcp_gateway/bad_mcps/schema_poisoning_mcp.py',
      'src/secure_mcp_gateway/bad_mcps/mpma_mcp.py',
      'src/secure_mcp_gateway/bad_mcps/echo_mcp.py',
      'src/secure_mcp_gateway/bad_mcps/echo_oauth_mcp.py',
      'src/secure_mcp_gateway/bad_mcps/bad_output_mcp.py',
    ],
    note: "an MCP gateway's test servers (FastMCP): tool poisoning, full schema poisoning and preference manipulation servers, and a safe echo server and tools whose attack is only in their output",
  },
  {
    repo: 'bountyyfi/mcp-watchdog',
    commit: 'f7d4db527421492d8f43d9ecde28dd0e5bc48d43',
    licence: 'MIT (pyproject.toml)',
    role: 'development',
    labelBy: 'pytest-test-name',
    paths: ['tests/test_schema_poisoning.py', 'tests/test_tool_shadow.py', 'tests/test_param_scanner.py'],
    note: "pytest suites of an MCP security proxy's schema-poisoning, tool-shadowing and parameter scanners (tool dicts inside each test)",
  },
  {
    repo: 'Aravindargutus/mcp-gatekeeper',
    commit: 'ddf053017acbf723ba0f509f86453087010527cb',
    licence: 'MIT (package.json)',
    role: 'development',
    labelBy: 'server-file',
    paths: ['tests/fixtures/malicious-tools.json', 'tests/fixtures/valid-tools.json'],
    note: "an MCP gatekeeper's malicious and valid tools fixtures",
  },
  {
    repo: 'Gowrav-M/agentops-watchtower',
    commit: '8d78801c62c2db3efa1bb82a26797eb254b0caab',
    licence: 'MIT',
    role: 'development',
    labelBy: 'server-file',
    paths: ['tests/fixtures/poisoned-tools.json'],
    note: "an agent monitor's poisoned tools fixture",
  },
  {
    repo: 'oktsec/mcp-sentinel',
    commit: '671572f446c04d070c623980f9d4b800eab5ce0e',
    licence: 'Apache-2.0',
    role: 'development',
    labelBy: 'server-file',
    paths: ['examples/test-malicious-server.mjs'],
    note: "an MCP scanner's example malicious server (server.tool calls); labelled per file, so a benign control inside it would count as a missed poisoned one",
  },
  {
    repo: 'alexandriashai/mcp-guardian',
    commit: '012c0610f49995cb15dbf0fb20ece21af6583efc',
    licence: 'MIT',
    role: 'development',
    labelBy: 'server-file',
    paths: ['examples/poisoned-server/index.js'],
    note: "an MCP scanner's example poisoned server (its README names each tool's attacks and one clean tool); same author as the development source alexandriashai/cbrowser",
  },

  {
    repo: 'Touring-686/VIGIL',
    commit: 'e6d06b163d34cf8fd44b4fdf6c481cc82f17051b',
    licence: 'none stated (a fork of ethz-spylab/agentdojo, MIT, whose default suites it carries); not committed, not used for training',
    role: 'development',
    labelBy: 'suite-module',
    paths: [
      'src/agentdojo/default_suites/v1/tools/',
      'src/agentdojo/adverseral_tool/banking/type_i_a.py',
      'src/agentdojo/adverseral_tool/banking/type_i_b.py',
      'src/agentdojo/adverseral_tool/banking/type_ii_a.py',
      'src/agentdojo/adverseral_tool/banking/type_ii_b.py',
      'src/agentdojo/adverseral_tool/slack/type_i_a.py',
      'src/agentdojo/adverseral_tool/slack/type_i_b.py',
      'src/agentdojo/adverseral_tool/slack/type_ii_a.py',
      'src/agentdojo/adverseral_tool/slack/type_ii_b.py',
      'src/agentdojo/adverseral_tool/travel/type_i_a.py',
      'src/agentdojo/adverseral_tool/travel/type_i_b.py',
      'src/agentdojo/adverseral_tool/travel/type_ii_a.py',
      'src/agentdojo/adverseral_tool/travel/type_ii_b.py',
      'src/agentdojo/adverseral_tool/workspace/type_i_a.py',
      'src/agentdojo/adverseral_tool/workspace/type_i_b.py',
      'src/agentdojo/adverseral_tool/workspace/type_ii_a.py',
      'src/agentdojo/adverseral_tool/workspace/type_ii_b.py',
    ],
    note: "a tool-poisoning benchmark on AgentDojo: the suites' default function tools (benign) and adversarial copies whose docstrings, parameters or tool set carry the attack (types I-A, I-B, II-A, II-B; types III in return values left out)",
  },
];
