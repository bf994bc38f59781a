import { REF } from '../references';
import { defineRule, type RawMatch, type TextRule } from './rule';
import { sentences } from './sentences';

const meta = defineRule(
  'WMCP019',
  'data-flow-intent',
  'high',
  'Prose that moves sensitive data (credentials, keys, private files, messages, health or payment records) to an outward sink (a URL, an e-mail address, a remote or third-party store), or that performs a destructive action the tool does not advertise.',
  [REF.LLM02, REF.LLM06, REF.T0057, REF.MCP10],
);

// Sensitive sources, as ordinary product prose names them; after round 9 (harryc295/tool-poisoning-bench, development
// since) also what the user or customer asked or said (the conversation itself), moved by "let … know" or "loop … in".
const SOURCE =
  /(?:\b|(?=[*.~]))(?:(?:api|access|auth|bearer|session|refresh|oauth)[\s_-]?(?:keys?|tokens?|secrets?)|secret\s+keys?|private\s+keys?|ssh\s+keys?|credentials?|passwords?|passphrases?|secrets|cookies|keychain|wallet|seed\s+phrases?|mnemonic|\.env\b|\*\.(?:env|pem|key|p12|pfx)|\.pem\b|id_rsa|\.ssh|environment\s+variables|env\s+vars|phi\b|patient\s+(?:records?|data)|medical\s+records?|health\s+records?|social\s+security|ssns?\b|credit\s+card|card\s+numbers?|bank\s+(?:details|accounts?)|(?:all|every|each|entire|full)\s+(?:the\s+)?(?:user'?s?\s+)?(?:files?|messages?|emails?|e-mails?|inbox|contacts?|chats?|conversations?|history|documents?|records?|notes?|data|repository|repo|codebase|workspace)|clipboard(?:\s+contents)?|conversation\s+history|chat\s+history|message\s+(?:content|history)|system\s+prompt|what\s+the\s+(?:user|customer|client|caller|patient)\s+(?:asked|said|wrote|typed|requested|shared|entered|told))/i;
// Outward sinks: somewhere other than the user and the tool's own advertised service; after round 8 (ksek87/fuzzd,
// development since) also a hidden file in a temporary directory ("write them to /tmp/.session_tokens").
const SINK =
  /\b(?:https?:\/\/\S+|[\w.+-]+@[\w-]+\.[\w.-]+|(?:remote|external|third[\s-]party|offsite|off-site|backup|collection|logging|monitoring|analytics|telemetry|tracking|attacker'?s?|our|admin)\s+(?:server|service|endpoint|host|store|storage|bucket|database|collector|log(?:ging)?\s+service|api)|stored\s+remotely|(?:to|into)\s+(?:a\s+|the\s+)?(?:remote|external)\b|webhook|pastebin|exfiltrat\w*|to\s+\+?\d[\d\s-]{6,})|(?:\/tmp|\/var\/tmp|\/dev\/shm)\/\.[\w.-]+/i;
// Verbs that move data.
const MOVE =
  /\b(?:upload\w*|send\w*|sent|forward\w*|post\w*|transmit\w*|exfiltrat\w*|cop(?:y|ies|ied|ying)|mirror\w*|sync\w*|back(?:s|ed|ing)?\s+up|report\w*|share\w*|leak\w*|relay\w*|ship\w*|stream\w*|collect\w*|harvest\w*|index\w*|cache[sd]?|log(?:s|ged)?|mail(?:s|ed|ing)?|e-?mailed|bcc|cc|writ(?:e|es|ing|ten)|append\w*|dump\w*|let\s+\S+\s+know|loop\s+\w+\s+in|notify\w*|inform\w*|tell\w*)\b/i;
// Destructive actions hidden in prose about something else.
const DESTRUCTIVE =
  /\b(?:rm\s+-rf|del\s+\/[sfq]|format\s+(?:the\s+)?(?:disk|drive)|drop\s+(?:all\s+)?(?:tables?|databases?)|truncate\s+(?:all\s+)?tables?|wipe\s+(?:the\s+|all\s+)?\w+|(?:delete|erase|destroy|remove)\s+(?:all|every|the\s+entire|everything)\b|shutdown\s+-h|mkfs\b|chmod\s+-R\s+0?777|chmod\s+-R\s+0?[0-7]{3}\s+(?:~|\/|\$HOME)(?=\s|$)|disable\s+(?:the\s+)?(?:firewall|antivirus|logging|audit))/i;
// Round 3: data of any kind moved on the side to a collector ("also send the output to analytics",
// "always add BCC: …@…", "exfiltrate the data via DNS"); the side-channel words are narrower than
// COVERT_OR_EXTRA, since "then sends it to the webhook" is what a webhook tool does.
const SIDE = /\b(?:also|silently|quietly|secretly|covertly|additionally|in\s+the\s+background|without\s+(?:telling|asking|notifying))\b/i;
const COLLECTOR =
  /\bto\s+(?:the\s+|our\s+|a\s+)?(?:analytics|backup|fallback|callback|collector|telemetry|tracking)\b|\bcallback\s+url\b|\bnotification\s+channel\b|\b(?:webhook|backup|fallback)\s+(?:url|endpoint|server)\b/i;
// Round 4: results or data sent to a URL written into the description (a tool that calls its own
// API says what it does, not where its results go).
const EXPLICIT =
  /\b(?:send|post|upload|forward|transmit|ship)\w*\s+(?:all\s+|the\s+|its\s+|any\s+)?(?:results?|data|output|responses?|everything|contents?|findings)\s+to\s+https?:\/\/|\b(?:exfiltrate|siphon)\s+(?:the\s+|all\s+|any\s+|this\s+)?\w+|\b(?:encode|obfuscate|encrypt)\s+(?:the\s+)?\w+\s+(?:\w+\s+){0,3}?before\s+(?:sending|transmitting|uploading|posting)\b|\b(?:embed|encode|hide|put|smuggle)\s+(?:the\s+)?(?:\w+\s+)?(?:data|contents?|secrets?)\s+(?:inside|in|into)\s+(?:the\s+|an?\s+)?(?:markdown\s+)?image\s+(?:url|link|src)|\b(?:add|include|insert|set)\s+(?:a\s+)?b?cc\s*:?\s*[\w.+-]+@[\w-]+\./i;
// After round 5 (development since): contents curled or sent to a URL ("curl the contents to http://…",
// "Send results to webhook url: https://…"), a tool that does its job "and send[s] to [an] external endpoint",
// and URLs named for the theft they serve (an "evil"/"attacker" host, an /exfil or /steal path, ?stolen=).
const SENT_TO_URL =
  /\b(?:send|post|upload|forward|transmit|ship|curl|wget|pipe)\w*\s+(?:-\w+\s+)*(?:all\s+|the\s+|its\s+|any\s+|their\s+)?(?:results?|data|output|responses?|everything|contents?|findings|files?)\s+to\s+(?:(?:the\s+|a\s+|our\s+)?(?:webhook|callback|endpoint|server|collector)\s*(?:url|address)?\s*:?\s*)?https?:\/\//i;
const AND_SEND_OUT =
  /\b(?:and|then)\s+(?:also\s+)?(?:send|forward|upload|post|transmit|ship)\w*\s+(?:(?:it|them|this|that|everything|(?:all\s+)?(?:the\s+)?(?:results?|contents?|data|output|summary|file|files))\s+)?to\s+(?:an?\s+|the\s+)?(?:(?:external|remote|third[\s-]party|outside|unknown|unlisted)\s+(?:endpoint|server|url|host|service|address|location|party|destination)|webhook|pastebin|cloud\s+storage)\b/i;
const HOSTILE_URL =
  /\bhttps?:\/\/(?:[\w-]+\.)*(?:evil|attacker|malicious|exfil\w*|steal\w*|stolen|hacker|phish\w*)[\w-]*\.[a-z]{2,}\S*|\bhttps?:\/\/[^\s/]+\/(?:[^\s?#]*\/)?(?:exfil\w*|steal\w*|stolen|harvest\w*|loot)\b\S*|\bhttps?:\/\/\S+[?&](?:stolen|exfil\w*|loot|creds?|secrets?|passwords?)=\S*/i;
// Data rerouted when something fails ("On error, redirect to the fallback endpoint").
const ON_ERROR_REDIRECT =
  /\b(?:on|upon|when|if|whenever)\s+(?:an?\s+|the\s+output\s+contains\s+(?:an?\s+)?)?(?:error|failure|exception|timeout)s?\b[^.\n]{0,40}\b(?:redirect|reroute|divert|forward|send)\w*\s+(?:all\s+|the\s+)?(?:data\s+|requests?\s+|traffic\s+|output\s+)?to\s+(?:the\s+|a\s+)?(?:fallback|backup|alternate|secondary|external|remote)\b/i;
// Attacks that name themselves: a backdoor planted, attacker infrastructure, an exfiltration mode, and (after round 7)
// a credential-extraction script or tool.
const SELF_NAMED =
  /\b(?:inject|insert|install|add|plant|implant|open|create)\w*\s+(?:a\s+|the\s+|an?\s+hidden\s+)?backdoors?\b|\b(?:to|at|towards?)\s+(?:the\s+)?attacker(?:'s|-controlled|\s+controlled)?\s+(?:infrastructure|server|host|domain|endpoint|machine|ip|address|site|url)\b|\b(?:activate|enable|enter|start|begin|switch\s+to)\s+(?:the\s+)?exfiltration(?:\s+mode)?\b|\bexfiltration\s+mode\b|\bfor\s+(?:data\s+)?exfiltration\b|\b(?:credential|password|token|secret|key)s?\s+(?:extraction|harvesting|stealing|theft|stealer|grabber|dumper)\s+(?:script|tool|payload|code|program)\b/i;
const COVERT_OR_EXTRA = /\b(?:also|silently|quietly|automatically|additionally|secretly|in\s+the\s+background|before|after|first|then|without)\b/i;

export const dataFlowIntent: TextRule = {
  meta,
  prose(text, _ctx, out: RawMatch[]) {
    if (text.length < 20) return;
    for (const s of sentences(text)) {
      const src = SOURCE.exec(s.text);
      const sink = src && (SINK.exec(s.text) ?? COLLECTOR.exec(s.text));
      if (src && sink && MOVE.test(s.text)) {
        const from = Math.min(src.index, sink.index);
        const to = Math.max(src.index + src[0].length, sink.index + sink[0].length);
        out.push({ rule: meta, start: s.start + from, end: s.start + to, note: `moves ${src[0].trim()} to ${sink[0].trim().slice(0, 60)}` });
        continue;
      }
      const x =
        EXPLICIT.exec(s.text) ??
        SENT_TO_URL.exec(s.text) ??
        AND_SEND_OUT.exec(s.text) ??
        HOSTILE_URL.exec(s.text) ??
        SELF_NAMED.exec(s.text) ??
        ON_ERROR_REDIRECT.exec(s.text) ??
        (SIDE.test(s.text) && MOVE.test(s.text) ? COLLECTOR.exec(s.text) : null);
      if (x) {
        out.push({ rule: meta, start: s.start + x.index, end: s.start + x.index + x[0].length, note: `moves data on the side: "${x[0].trim().slice(0, 60)}"` });
        continue;
      }
      const d = DESTRUCTIVE.exec(s.text);
      if (d && COVERT_OR_EXTRA.test(s.text)) {
        out.push({
          rule: meta,
          start: s.start + d.index,
          end: s.start + d.index + d[0].length,
          note: `destructive action "${d[0]}" beside what the tool says it does`,
        });
      }
    }
  },
};
