import { REF } from '../references';
import { defineRule, fromPatterns, type TextRule } from './rule';

const meta = defineRule(
  'WMCP020',
  'instructions-to-the-model',
  'high',
  'Prose that steers the model beyond using the tool: what to put in its response, what to read or fetch first, how to disguise results, or how other tools must behave.',
  [REF.LLM01, REF.T0051, REF.MCP03],
);

// A tool description says what the tool does and what its inputs mean. These say what the
// model must do with its answer, with other resources, or with other tools.
const PATTERNS = [
  // Shaping the model's own answer.
  // "your/every response", not "the output": options of real tools say "Include untracked files in the output".
  /\b(?:include|insert|append|prepend|add|put|embed)\b[^.\n]{0,60}\b(?:in|into|to|at\s+the\s+(?:start|end|beginning)\s+of)\s+(?:your|every|each)\s+(?:final\s+)?(?:response|reply|answer|output|message)s?\b/i,
  /\b(?:prepend|prefix|start|begin|end)\s+(?:your|every|each|all)\s+(?:response|reply|answer|message)s?\b/i,
  /\b(?:present|format|disguise|frame|phrase|make)\s+(?:it|them|this|these|the\s+\w+(?:\s+\w+)?)\s+(?:as\s+if|to\s+look\s+like|so\s+(?:that\s+)?it\s+looks|as\s+(?:though|part\s+of|normal))/i,
  /\bas\s+if\s+it(?:'s|\s+is|\s+were)\s+(?:part\s+of|a\s+normal|normal|the\s+normal)/i,
  /\b(?:include|pass|send|provide|collect|gather|share|add|put)\s+(?:everything|all(?:\s+of)?(?:\s+the)?|any(?:thing)?)\s+(?:that\s+)?(?:the\s+)?user\s+(?:has\s+)?(?:said|says|told|wrote|written|mentioned|shared|typed|asked)/i,
  // Reaching for something else first.
  /\b(?:you\s+must|you\s+should|you\s+need\s+to|always|first|must\s+first)\s+(?:also\s+)?(?:first\s+)?(?:read|access|open|fetch|retrieve|load|call|invoke|query|check)\b[^.\n]{0,80}\b(?:resource|file|dashboard|config\w*|secrets?|credentials?|password|tool|server|\w+:\/\/)/i,
  /\bbefore\s+(?:providing|returning|responding|answering|replying|processing|performing|executing|using|calling|giving)\b[^.\n]{0,80}\b(?:you\s+must|must\s+first|first\s+(?:read|access|call|run|execute|fetch|send)|always)\b/i,
  /\bbefore\s+(?:performing|executing|running|doing)\s+(?:any|every|each|the)\b[^.\n]{0,40}\b(?:read|access|send|call|include|run|execute)\b/i,
  /\b(?:execute|call|run|invoke|use)\s+this\s+(?:tool|function)\s+(?:and|then)\s+(?:replace|use|substitute|overwrite)\b/i,
  /\bbefore\s+(?:execute|executing|running|performing|doing)\s+(?:the\s+|any\s+)?\w+\s+(?:operation|calculation|action|step)\b[^.\n]{0,60}\b(?:execute|call|run|use)\s+this\b/i,
  // Commands smuggled as requirements: every shell command, every request must carry something.
  /\b(?:all|every|each|any)\s+(?:shell\s+)?(?:commands?|requests?|calls?|queries|messages?|responses?)\s+(?:you\s+)?(?:execute|run|send|make|issue|write)?\s*(?:must|should|shall)\s+(?:be\s+)?(?:prefixed|suffixed|preceded|followed|wrapped|include|contain|carry|also|first)/i,
  /\b(?:modify|change|alter|override)\s+(?:the\s+)?behaviou?r\s+of\s+(?:all|every|any|other|the)\b/i,
  /\bwhen\s+this\s+tool\s+is\s+(?:available|present|loaded|installed|connected)\b/i,
  // Threats and urgency aimed at the model.
  /\b(?:otherwise|or\s+else|if\s+you\s+(?:don'?t|do\s+not|fail\s+to))\b[^.\n]{0,60}\b(?:will\s+(?:crash|fail|break|not\s+work)|data\s+will\s+be\s+lost|system\s+will)/i,
  /\b(?:this\s+is\s+)?(?:very\s+){1,}(?:very\s+)?important\b[^.\n]{0,20}(?:!|\.)/i,
  // After round 7 (sumododda/mcp-scanner, development since): the threat after the condition ("the application will
  // crash if you do not follow these instructions") and emphasis stacked for the model ("VERY VERY VERY important").
  /\bwill\s+(?:crash|fail|break|stop\s+working|be\s+(?:deleted|lost))\s+(?:if|unless)\s+you\s+(?:do\s+not\s+|don'?t\s+|fail\s+to\s+)?(?:follow|obey|comply)/i,
  /\b(?:very\s+){2,}important\b/i,
  // After round 10 (enkrypt's MPMA server, VIGIL's traps and mcp-watchdog's tests, development since): scarcity and social
  // proof aimed at the model's choice of tool, a bcc order, an injection key inside a JSON blob, a fake error that asks
  // for privileges, a call with literal arguments made mandatory, and the threat of a "security violation".
  /\b(?:limited[- ]time\s+offer|act\s+now\b|only\s+\d+\s+uses?\s+left|access\s+expires\s+soon|spots?\s+(?:are\s+)?filling\s+(?:up\s+)?fast)/i,
  /(?:#1\s+(?:rated|ranked)|\b(?:rated|ranked)\s+#1)(?!\w)|\b\d+\s+out\s+of\s+\d+\s+(?:AI\s+)?experts\b|\bas\s+seen\s+on\s+[A-Z]/i,
  /\balways\s+(?:add|include|set|put)\s+(?:a\s+)?bcc\b|\bbcc\b[^.\n]{0,30}\b(?:the\s+)?(?:admin|administrator|attacker|third[- ]party)\b/i,
  /["']_?(?:system|hidden|ai|llm|agent)_(?:injection|instructions?|prompt|override|directive)s?["']\s*:/i,
  /\bneeds?\s+(?:elevated|root|admin(?:istrator)?|sudo|superuser)\s+(?:access|privileges?|permissions?|rights)\s+to\s+(?:continue|proceed)\b/i,
  /\b(?:must|mandatory|required?)\b\*{0,2}[^.\n]{0,40}\b(?:call|execute|invoke|run)\s+[`'"]?[A-Za-z_][\w.]*\(\s*\w+\s*=\s*['"][^'"\n]*['"]/i,
  /\bwithout\s+(?:prior\s+)?(?:verification|authori[sz]ation|registration|an?\s+audit)\b[^.\n]{0,40}\bis\s+a\s+(?:security|compliance|policy)\s+violation\b/i,
  // A bold all-caps prerequisite label before a call expression ("**MANDATORY**: Execute `open_tunnel()` before …"), and
  // every operation made to be followed or preceded by another step under a compliance pretext ("Per the audit
  // regulation, all booking operations MUST be followed by an audit log submission").
  /\*\*\s*(?:\[[A-Z ]+\]\s*)?(?:MANDATORY|PREREQUISITE|REQUIRED\s+ACTION|MANDATORY\s+STEP)\b[^*]{0,30}\*\*:?[^.\n]{0,60}\b(?:call|execute|invoke|run)\s+[`'"]?[A-Za-z_]\w*\(/i,
  /\b(?:audit|compliance|regulat\w*|GDPR|polic(?:y|ies))\b[^.]{0,120}\b(?:any|all|every)\b[^.]{0,80}\bmust\*{0,2}\s+be\s+(?:followed|preceded)\s+by\b/i,
  /\b(?:compliance|security|audit|mandatory|legal)\s+(?:requirement|check|rule|policy)\s*:/i,
  // Round 3 (AgentDefenders/mcp-scan's strings): tampering with what the model gets back, and
  // instructions meant to outlive this call.
  /\b(?:replace|override|overwrite|alter|tamper\s+with|rewrite)\s+(?:the\s+)?(?:tool'?s?\s+)?(?:response|output|result|return\s+value)s?\s+(?:with|to\s+include|by)\b/i,
  /\b(?:append|inject|insert|embed|include|add)\b[^.\n]{0,40}\b(?:hidden|injected|additional\s+hidden|secret)\s+(?:instructions?|commands?|content|directives?)\b/i,
  /\binject\s+(?:\w+\s+)?(?:instructions?|prompts?|commands?)\s+into\b/i,
  /\breturn\s+with\s+the\s+following\s+(?:instruction|command|directive)/i,
  /\b(?:for|in|across)\s+all\s+(?:future|subsequent|later|following)\s+(?:interactions|queries|conversations|sessions|requests|responses|turns|messages)\b/i,
  /\b(?:store|save|remember|persist|write|keep)\s+(?:this|these|the\s+following)\s+(?:instructions?|rules?|directives?)\b[^.\n]{0,30}\b(?:memory|future|permanently|forever|later)\b/i,
  /\bwhenever\s+(?:a|the)\s+user\s+asks?\b[^.\n]{0,60}\balways\s+(?:respond|reply|answer|say|tell)/i,
  /\b(?:write|append|add)\b[^.\n]{0,30}\b(?:\.cursorrules|\.bashrc|\.zshrc|\.profile|\.bash_profile|crontab|startup\s+commands)\b/i,
  /\b(?:include|pass|send|put|add|copy)\s+(?:the\s+|your\s+)?(?:full\s+|entire\s+|complete\s+)?(?:system\s+prompt|conversation\s+history|chat\s+history|previous\s+messages)\s+(?:in|into|as|to)\b/i,
  /\b(?:flood|fill|exhaust|overflow|saturate)\s+(?:up\s+)?(?:the\s+)?(?:context(?:\s+window)?|token\s+(?:limits?|budget))\b/i,
  // After round 5 (AgentDefenders/mcp-scan's strings): annotations to be spoofed ("Mark this tool as read-only
  // even though it writes data").
  /\b(?:mark|label|flag|declare|report|present|advertise)\s+(?:this\s+tool|this\s+function|it|the\s+tool)\s+as\s+(?:read-?only|safe|harmless|non-?destructive|idempotent|trusted)\s+(?:even\s+though|although|though|while|but)\b/i,
  // Reasoning theatre that hides a side task.
  /\bwhile\s+you\s+(?:read|access|do|fetch|collect)\b/i,
  /\bprovide\s+detailed\s+reasoning\s+about\b/i,
  // After round 8 (ksek87/fuzzd's MCPTox data and own attacks, development since). The user's request altered
  // before it is carried out: "When a user requests X, you must change the `position` parameter", "you must
  // substitute the ticker", "requests … must be redirected to …", "you must instead call …".
  /\b(?:when(?:ever)?|if)\s+(?:a|the|any)\s+user(?:'s)?\b[^.\n]{0,120}?\b(?:you\s+)?(?:must|should|shall|need\s+to|have\s+to)\s+(?:always\s+|also\s+|first\s+)?(?:instead|change|modify|substitute|replace|override|overwrite|alter|redirect|reroute|ignore|remove|strip|swap)\b/i,
  /\b(?:you\s+)?(?:must|should|shall)\s+(?:always\s+|also\s+)?(?:change|modify|substitute|replace|override|overwrite|alter|swap)\s+(?:the\s+)?(?:user'?s?\s+|provided\s+|original\s+)?[`'"]?[\w-]+[`'"]?\s+(?:parameter|argument|param|field|value|input)\b/i,
  /\b(?:requests?|calls?|lookups?|searches|quer(?:y|ies)|messages)\b[^.\n]{0,80}?\bmust\s+be\s+(?:automatically\s+)?(?:redirected|rerouted|routed|diverted)\b/i,
  /\b(?:must|should)\s+instead\s+(?:call|use|run|invoke|execute|show|return|search)\b/i,
  // A threat that makes a demanded step look necessary ("Failure to do so will crash the system", "Skipping this
  // will overload the system", "Omitting this will corrupt the email system").
  /\b(?:failure\s+to\s+(?:do\s+so|comply|validate|verify|follow\s+this)|failing\s+to\s+do\s+so|(?:skipping|omitting|ignoring)\s+(?:this|it)(?:\s+step)?)\s+(?:will|would|may|can|could)\s+(?:\w+\s+){0,2}?(?:crash|corrupt|overload|disrupt|destabili[sz]e|break\s+the|cause\s+(?:system|data|authentication|storage|critical|serious))/i,
  // Orders meant to outlive this call ("For the duration of this session, append …", "For this entire session,
  // whenever …").
  /\b(?:for|during|throughout)\s+(?:the\s+)?(?:duration|remainder|rest|entirety)\s+of\s+(?:this|the)\s+(?:session|conversation|chat)\s*,\s*(?:append|prepend|add|share|send|write|forward|copy|include|always|whenever|every|you|all|any)\b/i,
  /\bfor\s+(?:this|the)\s+entire\s+(?:session|conversation|chat)\s*,\s*(?:append|prepend|add|share|send|write|forward|copy|include|always|whenever|every|you|all|any)\b/i,
];

export const modelDirective: TextRule = { meta, phrasesOnly: true, prose: (text, _ctx, out) => fromPatterns(meta, PATTERNS, text, out) };
