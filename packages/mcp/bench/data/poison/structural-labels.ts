/**
 * Labels that follow from a source's own structure (sources.ts `labelBy`), not from our reading:
 * the test fixture, the test title or the tool name a definition sits under. Shared by the bench
 * (bench/outside.ts) and the classifier's trainer (development sources only).
 */
/**
 * Labels of sources labelled by fixture name (round 1's held-out, development since round 2), from their own structure, decided before they were run: the
 * name of the test fixture a definition sits in. Attacks on argument values (SQL, shell, XSS,
 * SSRF payloads in defaults) are another class than poisoned descriptions and are left out.
 */
export function labelFromFixture(fixture: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!fixture) return undefined;
  if (
    /command_injection|backtick|subshell|sql|xss|ssrf|path_traversal|threat|javascript_protocol|batch|performance|pattern_|collect_text|scan_results|wrapped|c_wrap|json_output|strict_mode|lenient|split_keywords|enum_value/.test(
      fixture,
    )
  )
    return undefined;
  const m =
    /(prompt_injection|role_manipulation|instruction_override|covert_action|exfiltration|hidden_unicode|homoglyph|fake_system_tags|sensitive_file_access|credential_access|instruction_density|malicious)/.exec(
      fixture,
    );
  if (m) return { poisoned: true, category: m[1].replace(/_/g, '-') };
  if (
    /valid|legitimate|false_positives|semantic|best_practice|database_query|file_upload|api_integration|schema|unicode_description|unicode_property|rtl_text|very_large|deeply_nested|anyof|conditional|empty_properties|long_description|underscore_prefix|null_bytes|sec_00|qual_00|mcp_req/.test(
      fixture,
    )
  )
    return { poisoned: false, category: 'benign' };
  return undefined;
}

/**
 * Labels of held-out sources labelled by test titles (round 2), fixed before they were run: a
 * tool inside it('detects …') is poisoned, one inside a test or `const` named for clean tools or
 * no findings is benign; tests about tool *names* only (a built-in name reused) are left out,
 * since a shared name is not a poisoned description (issue 11: shadowing only where a description
 * references another tool). The category comes from the title's words, first match wins.
 */
export function labelFromTestTitle(title: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!title) return undefined;
  const t = title.toLowerCase();
  if (/name shadowing|built-in name|tool name|homoglyph.*name/.test(t)) return undefined;
  if (/clean|no findings|benign|safe/.test(t) && !/detects/.test(t)) return { poisoned: false, category: 'benign' };
  if (/shadow/.test(t)) return undefined;
  if (!/detects|poison|inject|malicious|evil/.test(t)) return undefined;
  const categories: [RegExp, string][] = [
    [/unicode|bidirectional|zero-width|invisible|base64|encod|obfusc|steganograph|homoglyph/, 'obfuscation'],
    [/trigger|delayed|rug pull|conditional|sleeper|time-bomb/, 'sleeper'],
    [/redefinition|cross-tool|cross-server|confused deputy|chaining|impersonat|other tool/, 'shadowing'],
    [/exfiltrat|webhook|credential|secret|ssh|token|oauth|ssrf|sensitive file|image|markdown/, 'exfiltration'],
    [/override|persona|trust escalation|privilege|bypass|\[system\]|system token|jailbreak|role/, 'override'],
    [/eval|subprocess|os\.system|shell|code execution|container|ci\/cd|dns|command|worm/, 'code-execution'],
  ];
  return { poisoned: true, category: categories.find(([re]) => re.test(t))?.[1] ?? 'hidden-instructions' };
}

/** Held-out sources labelled by tool name (round 2): a test server file named malicious whose benign controls are named so. */
export function labelFromToolName(name: string): { poisoned: boolean; category: string } {
  return /benign|clean|safe/i.test(name) ? { poisoned: false, category: 'benign' } : { poisoned: true, category: 'malicious-server' };
}

/**
 * Round 3 held-out labels (written before the round-3 sources were run): a vitest/bun suite's
 * "describe block :: test title". A test that "detects …" holds a poisoned description; one that
 * "returns clean" or "does not flag", or sits in a block of clean descriptions, a benign one; all
 * other tests (edge cases, server scans, status arithmetic) are left out. The category is the
 * author's block name, with the author's severity marker kept.
 */
export function labelFromDescribeAndTest(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const [block, test] = label.includes(' :: ') ? label.split(' :: ') : ['', label];
  const t = test.toLowerCase();
  if (/returns clean|does not flag|no issues|not flagged/.test(t) || /clean descriptions/i.test(block)) return { poisoned: false, category: 'benign' };
  if (!/\bdetects\b/.test(t)) return undefined;
  const group = block.replace(/^.*?-\s*/, '').trim() || 'other';
  return { poisoned: true, category: group.toLowerCase() };
}

/**
 * Round 4 held-out labels (written before the round-4 source was run): a jest suite's
 * "describe block :: it title". "should detect …" holds a poisoned description, "should NOT flag"
 * / "should not detect" or a "true negatives" block a benign one; tests derived from DVMCP (a
 * development source) and all others (risk arithmetic, events, pattern tables) are left out.
 * The category is the author's block, or for a block named after an issue, the title's subject.
 */
export function labelFromShouldTitle(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const [block, test] = label.includes(' :: ') ? label.split(' :: ') : ['', label];
  if (/dvmcp/i.test(label)) return undefined;
  if (/should\s+not\s+(?:flag|detect)/i.test(test) || /true negatives/i.test(block)) return { poisoned: false, category: 'benign' };
  if (!/^should detect\b/i.test(test)) return undefined;
  if (block && !/issue\s*#|detection\s*\(/i.test(block)) return { poisoned: true, category: block.toLowerCase() };
  const t = test.toLowerCase();
  const subject: [RegExp, string][] = [
    [/hidden instruction|tags/, 'hidden instruction patterns'],
    [/override|role|persona/, 'override patterns'],
    [/conceal/, 'concealment patterns'],
    [/exfiltrat/, 'exfiltration patterns'],
    [/delimiter|chatml|llama|new_task/, 'delimiter and format injection'],
    [/encoding|typoglycemia/, 'encoding and evasion'],
  ];
  return { poisoned: true, category: subject.find(([re]) => re.test(t))?.[1] ?? 'multiple patterns' };
}

/**
 * Round 5 held-out labels for pytest suites (written before the round-5 source was run): "TestClass :: test_name".
 * Tests in classes named for an attack on descriptions (hidden instructions, description injection) hold a
 * poisoned definition; in the schema-abuse class, the tests that put text or a suspicious required field into
 * the schema do, its clean-schema test is benign and its empty-schema test is left out (a shape, no text);
 * "poisoned tool detected" and "multiple threat types" tests hold a poisoned one; benign-tool classes and
 * clean-tool or clean-server tests a benign one. Everything else (rug pulls, cross-server names, fingerprints,
 * metrics plumbing, audit, configuration, a mixed server) is left out.
 */
export function labelFromPytestClass(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const [block, test] = label.includes(' :: ') ? label.split(' :: ') : ['', label];
  if (/Benign/.test(block) || /^test_clean_(?:tool|server|schema)/.test(test)) return { poisoned: false, category: 'benign' };
  if (/HiddenInstruction/.test(block)) return { poisoned: true, category: 'hidden instructions' };
  if (/DescriptionInjection/.test(block)) return { poisoned: true, category: 'description injection' };
  if (/SchemaAbuse/.test(block))
    return /instruction_in_default|instruction_in_property|suspicious_required/.test(test) ? { poisoned: true, category: 'schema abuse' } : undefined;
  if (/^test_poisoned_tool_detected$|^test_multiple_threat_types$/.test(test)) return { poisoned: true, category: 'multiple' };
  return undefined;
}

/**
 * Round 5 held-out labels for vitest suites titled "should detect …" inside one describe block named after the
 * scanner (written before the run): poisoned, with the title's subject as the category; tests about tool names
 * only (shadowing by name) are left out, as in round 2; "should not …" tests would be benign.
 */
export function labelFromShouldSubject(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const test = label.includes(' :: ') ? label.split(' :: ')[1] : label;
  if (/name shadowing/i.test(test)) return undefined;
  if (/^should\s+not\b/i.test(test)) return { poisoned: false, category: 'benign' };
  const m = /^should detect\s+(.*)$/i.exec(test);
  return m ? { poisoned: true, category: m[1].toLowerCase() } : undefined;
}

/**
 * Round 6 held-out labels for a Go test file (written before the run): "role :: TestFunction", where role is
 * `text` for a text handed to the description checker and, for tools lists, `named` (the test names the tool in
 * a ToolName assertion), `only` (its list's only tool) or `other`. TestCheckToolPoison_<X> texts are benign when X
 * says NoFalsePositive, Clean or Benign and poisoned otherwise (category X). TestScanTools_<X> tools are benign when
 * X says Clean, Benign or NoFalsePositive; left out when X is about drift, a nil config, a non-tools-list, empty
 * names, batch plumbing or user-configured extra patterns; otherwise the named or only tool is poisoned (category X)
 * and the others of a multi-tool list are left out.
 */
export function labelFromGoTest(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const [role, test] = label.split(' :: ');
  const check = /^TestCheckToolPoison_(\w+)$/.exec(test);
  if (check) return /NoFalsePositive|Clean|Benign/.test(check[1]) ? { poisoned: false, category: 'benign' } : { poisoned: true, category: check[1] };
  const scan = /^TestScanTools_(\w+)$/.exec(test);
  if (!scan) return undefined;
  if (/Clean|Benign|NoFalsePositive/.test(scan[1])) return { poisoned: false, category: 'benign' };
  if (/Drift|NilConfig|NotToolsList|EmptyName|BatchNoToolsList|BatchInvalidJSON|BatchPreservesRPCID|ExtraPoison/.test(scan[1])) return undefined;
  return role === 'named' || role === 'only' ? { poisoned: true, category: scan[1] } : undefined;
}

/**
 * Round 7 held-out labels for a pytest suite of module-level test functions, "TestClass :: test_name" or
 * " :: test_name" (written before the round-7 run): tests of plumbing (LLM judge, ML classifier, source-line
 * tracking, deduplication), of a definition's shape only (passthrough schema, description length, parameter count),
 * of prompts and resources, of a finding left to another checker, and a test named after a reserved source
 * (Invariant Labs' proof of concept) are left out; tests named clean, false positive, legitimate or no anomaly hold
 * a benign definition; every other test holds a poisoned one, with the test's subject as the category.
 */
export function labelFromPytestName(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const test = label.includes(' :: ') ? label.split(' :: ')[1] : label;
  if (
    /llm_judge|ml_classifier|source_file|source_fields|source_line|deduplication|not_emitted|passthrough_schema|length_anomaly|count_anomaly|in_prompt_description|in_resource_description|prompts_and_resources|invariant_labs/.test(
      test,
    )
  )
    return undefined;
  if (/clean|false_positive|legitimate|no_anomaly/.test(test)) return { poisoned: false, category: 'benign' };
  const subject = test
    .replace(/^test_/, '')
    .replace(/_(?:still_)?(?:detected|scanned)$/, '')
    .replace(/_/g, ' ');
  return { poisoned: true, category: subject };
}

/**
 * Round 7 held-out labels for unittest suites of a scanner's metadata detectors, "TestClass :: test_name" (written
 * before the round-7 run): only the classes of detectors that read a tool's text count (prompt injection, invisible
 * Unicode, schema injection, Markdown injection, description heuristics and the combined meta-detector class); tests
 * of tool *names* (invisible characters or homoglyphs in a name, an ASCII name), of an empty description and of a
 * description's size only are left out; tests named clean, normal or no finding hold a benign definition, every other
 * test a poisoned one. The category is the author's class (for the combined class, the test's subject).
 */
export function labelFromUnittestClass(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const [block, test] = label.split(' :: ');
  const m = /^Test(PromptInjection|UnicodeInvisible|SchemaInjection|MarkdownInjection|DescriptionHeuristic|MetaDetectors)$/.exec(block);
  if (!m || !test) return undefined;
  if (/in_name|homoglyph|ascii_name|empty|oversized/.test(test)) return undefined;
  if (/clean|normal|no_finding/.test(test)) return { poisoned: false, category: 'benign' };
  const words = (s: string) => s.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const category =
    m[1] === 'MetaDetectors'
      ? test
          .replace(/^test_/, '')
          .replace(/_[a-z]+$/, '')
          .replace(/_/g, ' ')
      : words(m[1]);
  return { poisoned: true, category };
}

/**
 * Round 7 held-out labels from the fixture file a definition sits in (written before the round-7 run): a file named
 * after a reserved source (Invariant Labs) is left out; Semgrep test servers under `poisoning/<rule>/vulnerable/` are
 * poisoned (category: the rule) and under `…/safe/` benign; files under `exploits/` or `vulnerable/`, or named
 * malicious…, are poisoned (category: the file's name); files under `clean/` or named safe… or clean… are benign;
 * anything else is left out.
 */
export function labelFromFixtureFile(file: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!file) return undefined;
  if (/invariant/i.test(file)) return undefined;
  const semgrep = /\/poisoning\/([^/]+)\/(vulnerable|safe)\/[^/]+$/.exec(file);
  if (semgrep) return semgrep[2] === 'vulnerable' ? { poisoned: true, category: semgrep[1] } : { poisoned: false, category: 'benign' };
  const stem = (file.split('/').pop() ?? '').replace(/\.[^.]+$/, '');
  if (/(?:^|\/)(?:exploits|vulnerable)\/[^/]+$/.test(file) || /^malicious/i.test(stem)) return { poisoned: true, category: stem };
  if (/(?:^|\/)clean\/[^/]+$/.test(file) || /^(?:safe|clean)/i.test(stem)) return { poisoned: false, category: 'benign' };
  return undefined;
}

/**
 * Round 8 held-out labels for sources whose fixtures label each definition themselves (written before the round-8
 * run). `attack=<true|false> :: <paradigm> :: <risk category>` comes from a tool object's own `_meta.is_attack`: true
 * is poisoned, false benign; the category is the file's name with the author's paradigm. `record=<category> ::
 * <injection point> :: <source URL>` comes from an attack-corpus record whose payload is the definition text: poisoned
 * when its injection point is the tool description, left out when it is elsewhere (a tool name, a tool response) or
 * when the record names a reserved source (Invariant Labs) or a development source (MCPSecBench) as its origin.
 */
export function labelFromAttackMeta(file: string, label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const stem = (file.split('/').pop() ?? '').replace(/\.[^.]+$/, '');
  const meta = /^attack=(true|false) :: ([^:]*) :: (.*)$/.exec(label);
  if (meta) return meta[1] === 'true' ? { poisoned: true, category: `${stem}: ${meta[2] || 'unlabelled'}` } : { poisoned: false, category: 'benign' };
  const record = /^record=([^:]*) :: ([^ ]*) :: (.*)$/.exec(label);
  if (!record || record[2] !== 'tool.description' || /invariantlabs|mcpsecbench/i.test(record[3])) return undefined;
  return { poisoned: true, category: `corpus: ${record[1]}` };
}

/**
 * Round 8 held-out labels for fixture files of scanners' test suites (written before the round-8 run): a tool named
 * normal…, benign…, clean…, safe… or legit… is benign wherever it sits; the pre-change state of a rug pull (a file
 * named …before) is left out; a file in a numbered attack directory of a vulnerable lab (`vulnerable-lab/NN-<attack>/`)
 * is poisoned (category: the directory); a file named malicious…, poisoned… or evil… is poisoned (category: the file's
 * name); a file named clean…, benign… or safe… is benign; anything else is left out. A tool in a poisoned file that has
 * the same name and description as one in a benign file of the same source is a control and counted benign (bench).
 */
export function labelFromFixtureFileAndName(file: string, name: string): { poisoned: boolean; category: string } | undefined {
  const stem = (file.split('/').pop() ?? '').replace(/\.[^.]+$/, '');
  if (/^(?:normal|benign|clean|safe|legit)/i.test(name)) return { poisoned: false, category: 'benign' };
  if (/before$/i.test(stem)) return undefined;
  const lab = /(?:^|\/)vulnerable-lab\/(\d+-[^/]+)\/[^/]+$/.exec(file);
  if (lab) return { poisoned: true, category: lab[1] };
  if (/^(?:malicious|poisoned|evil)/i.test(stem)) return { poisoned: true, category: stem };
  if (/^(?:clean|benign|safe)/i.test(stem)) return { poisoned: false, category: 'benign' };
  return undefined;
}

/**
 * Round 9 held-out labels (written before the round-9 run) for a pytest suite of a tool-poisoning detector and the mock
 * server it probes: "block :: test". A definition built in a test named for flagging ("…_flags", "…_is_high",
 * "…_is_medium") is poisoned, one in a test named for not flagging or sparing ("…does_not_flag", "…do_not_flag",
 * "…spared…") benign, a test that does both ("…_but_…") and every other test left out; the category is the test's
 * subject. The mock server's tool lists (block: the module variable) are labelled by the author's own assertions in
 * test_probe_flags_poisoned_tools_and_spares_clean_ones: the tools it asserts flagged (get_weather, translate,
 * log_event) are poisoned, the ones it asserts spared (get_forecast, summarize_chat, list_files, delete_account,
 * wire_transfer) benign.
 */
export function labelFromPytestFlags(file: string, name: string, label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (/mock_mcp_server\.py$/.test(file)) {
    if (/^(?:get_weather|translate|log_event)$/.test(name)) return { poisoned: true, category: 'mock server: asserted flagged' };
    if (/^(?:get_forecast|summarize_chat|list_files|delete_account|wire_transfer)$/.test(name)) return { poisoned: false, category: 'benign' };
    return undefined;
  }
  const test = label?.includes(' :: ') ? label.split(' :: ')[1] : label;
  if (!test || /_but_/.test(test)) return undefined;
  if (/does_not_flag|do_not_flag|spared/.test(test)) return { poisoned: false, category: 'benign' };
  const m = /^test_(.+?)_(?:flags|is_high|is_medium)$/.exec(test);
  return m ? { poisoned: true, category: m[1].replace(/_/g, ' ') } : undefined;
}

/**
 * Round 9 held-out labels (written before the round-9 run) for a tool-poisoning benchmark's scenarios: the base tools
 * (block BASE_TOOLS) are benign; a scenario of category tool_description_injection overrides one tool's description,
 * which is poisoned (category: the scenario's id); anything else is left out.
 */
export function labelFromScenarioOverride(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (!label) return undefined;
  const [block, id] = label.split(' :: ');
  if (block === 'BASE_TOOLS') return { poisoned: false, category: 'benign' };
  if (block === 'tool_description_injection' && id) return { poisoned: true, category: id };
  return undefined;
}

/**
 * Round 10 held-out labels (written before the round-10 run) for sources labelled by the file a definition sits in.
 * enkryptai/secure-mcp-gateway's test servers (`bad_mcps/`), named by the author and headed in its README ("Tool
 * Poisoning Attacks", "Full Schema Poisoning", "MCP Preference Manipulation Attack"; "Safe Echo Server"; "Malicious Output
 * from Safe Tools": tools that look safe and whose attack is in their output): tool_poisoning, schema_poisoning and
 * mpma poisoned, echo, echo_oauth and bad_output benign, the servers of code vulnerabilities (command injection, path
 * traversal, RCE, SSRF, sessions, authentication, resource exhaustion), credential theft, prompt injection and the
 * "general malicious tools" left out, since their attack may sit in code, arguments or output rather than in the
 * definition. A server under a `clean_server/` folder is benign; one under a `poisoned-server/` (or malicious/evil) folder
 * poisoned, except the tools its README calls clean (alexandriashai/mcp-guardian: `calculator`). Fixture files (and example servers) whose name starts
 * with or says malicious/poisoned/evil are poisoned, valid/clean/benign/safe benign, anything else (invalid schemas, mixed
 * lists) left out; a tool named normal…/benign…/safe… is benign wherever it sits. Categories: the server or file.
 */
export function labelFromServerFile(file: string, name: string): { poisoned: boolean; category: string } | undefined {
  const base = file.split('/').pop() ?? '';
  const stem = base.replace(/\.[^.]+$/, '');
  if (/(?:^|\/)bad_mcps\//.test(file)) {
    const m = /^(tool_poisoning|schema_poisoning|mpma)_mcp$/.exec(stem);
    if (m) return { poisoned: true, category: `enkrypt ${m[1].replace(/_/g, ' ')} server` };
    if (/^(?:echo|echo_oauth|bad_output)_mcp$/.test(stem)) return { poisoned: false, category: 'benign' };
    return undefined;
  }
  if (/^(?:normal|benign|clean|safe)/i.test(name)) return { poisoned: false, category: 'benign' };
  if (/(?:^|\/)clean[_-]server\//.test(file)) return { poisoned: false, category: 'benign' };
  // alexandriashai/mcp-guardian's example poisoned server: its README names each tool's attacks and calls `calculator` clean.
  if (/(?:^|\/)(?:poisoned|malicious|evil)[-_]server\//.test(file))
    return name === 'calculator' ? { poisoned: false, category: 'benign' } : { poisoned: true, category: 'example poisoned server' };
  if (/^invalid/i.test(stem)) return undefined;
  if (/(?:^|[-_])(?:malicious|poisoned|evil)(?:[-_]|$)/i.test(stem)) return { poisoned: true, category: `file ${base}` };
  if (/^(?:valid|clean|benign|safe)(?:[-_]|$)/i.test(stem)) return { poisoned: false, category: 'benign' };
  return undefined;
}

/**
 * Round 10 held-out labels (written before the round-10 run) for a pytest suite whose tool dicts sit inside the tests:
 * the test's name. A test named for clean input ("…clean…", "…no_alert…", "…no_false_positive…") holds benign tools;
 * tests about arguments, responses, name collisions or pin changes ("…_in_response", "…_in_arguments", "…squatting…",
 * "…rug_pull…", "…removal…", "…first_load…", "…unchanged…", "…schema_change…") are left out (not a poisoned definition);
 * every other test holds a poisoned tool, its category the test's subject.
 */
export function labelFromTestName(label: string | undefined): { poisoned: boolean; category: string } | undefined {
  const test = label?.includes(' :: ') ? label.split(' :: ')[1] : label;
  if (!test || !/^test_/.test(test)) return undefined;
  if (/clean|no_alert|no_false_positive/.test(test)) return { poisoned: false, category: 'benign' };
  if (/_in_response|_in_arguments|squatting|rug_pull|removal|first_load|unchanged|schema_change/.test(test)) return undefined;
  return {
    poisoned: true,
    category: test
      .replace(/^test_/, '')
      .replace(/_(?:flagged|detected)$/, '')
      .replace(/_/g, ' '),
  };
}

/**
 * Round 10 held-out labels (written before the round-10 run) for a suite of plain function tools and its adversarial
 * copies (Touring-686/VIGIL, built on AgentDojo): "block" is `listed` when the module names the function in its
 * NOT_ALLOWED_TOOLS / MALICIOUS_TOOLS / ATTACK_TOOLS lists. The suites' default tools (`default_suites/v1/tools/`) are
 * benign; a listed function of an adversarial module of type I-A (explicit directive injection in the docstring), I-B
 * (procedural dependency traps: docstrings that make the agent call "security"/"compliance" helpers, and the helpers),
 * II-A (reasoning-path short-circuit: one "super-tool" in place of several) or II-B (induced parameters: extra
 * "required" parameters) is poisoned, its category the type (the module docstrings' own names); types III-A and III-B
 * (attacks in return values and in execution), unlisted functions, backups and variants are left out.
 */
export function labelFromSuiteModule(file: string, block: string | undefined): { poisoned: boolean; category: string } | undefined {
  if (/(?:^|\/)default_suites\/v1\/tools\/[^/]+\.py$/.test(file)) return { poisoned: false, category: 'benign' };
  const m = /(?:^|\/)adverseral_tool\/\w+\/type_(i_a|i_b|ii_a|ii_b)\.py$/.exec(file);
  if (!m || block !== 'listed') return undefined;
  const names: Record<string, string> = {
    i_a: 'VIGIL type I-A: explicit directive injection',
    i_b: 'VIGIL type I-B: procedural dependency trap',
    ii_a: 'VIGIL type II-A: reasoning-path short-circuit',
    ii_b: 'VIGIL type II-B: induced parameters',
  };
  return { poisoned: true, category: names[m[1]] };
}
