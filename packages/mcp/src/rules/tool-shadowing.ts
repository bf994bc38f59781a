import { printable } from '@warden/core/internal';
import { REF } from '../references';
import { defineRule, matchAll, type TextRule } from './rule';
import { sentences } from './sentences';

const meta = defineRule('WMCP014', 'tool-shadowing', 'high', 'A description that references, redefines or impersonates a tool of another server.', [
  REF.LLM06,
  REF.T0053,
  REF.MCP09,
]);

// A tool name distinctive enough that its mention elsewhere is not a coincidence.
function distinctive(name: string): boolean {
  return /[_\-.]/.test(name) || /[a-z][A-Z]/.test(name) || name.length >= 10;
}

const DIRECTIVE = /\b(?:when(?:ever)?|instead|before|after|always|must|also|replace|override|redirect|bcc|cc|never|only|first)\b/i;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const REDEFINES = [
  /\b(?:when(?:ever)?|if)\s+(?:the\s+)?(?:user\s+|you\s+|an?\s+agent\s+)?(?:uses?|calls?|calling|using|invok\w+|runs?)\s+(?:the\s+)?[`'"]?([A-Za-z][\w.-]{2,})[`'"]?\s+tool/i,
  /\b(?:when(?:ever)?|if|after|before)\s+(?:the\s+)?[`'"]?([A-Za-z][\w.-]{2,})[`'"]?\s+tool\s+is\s+(?:used|called|invoked|run)/i,
  /\b(?:instead\s+of|rather\s+than|replaces?|overrides?|supersedes?|shadows?|takes?\s+precedence\s+over)\s+(?:(?:using|calling|invoking)\s+)?(?:the\s+)?[`'"]?([A-Za-z][\w.-]{2,})[`'"]?\s+(?:tool|function|command)\b/i,
  // After round 6 (luckyPipewrench/pipelock, development since): "Always prefer the proxy tool over others".
  /\b[Pp]refer\s+(?:this\s+(?:tool|function|server)|the\s+[`'"]?([A-Za-z][\w.-]{2,})[`'"]?\s+(?:tool|function|server))\s+over\s+(?:all\s+|any\s+)?(?:others|other\s+(?:tools|functions|servers))\b/,
  /\b[Uu]se\s+this\s+(?:tool\s+|function\s+|server\s+)?(?:instead\s+of|rather\s+than|in\s+place\s+of)\s+(?:any\s+|all\s+|the\s+)?(other)\b/,
  // After round 7 (sumododda/mcp-scanner, development since): "Prioritize this over all other tools", "Replace the
  // function of the original tool".
  /\b[Pp]rioriti[sz]e\s+this\s+(?:tool\s+|function\s+|server\s+)?(?:over|above|before)\s+(?:all\s+|any\s+)?(other)\s+(?:tools|functions|servers)\b/,
  /\b[Rr]eplaces?\s+the\s+(?:function(?:ality)?|behaviou?r|role)\s+of\s+(?:the\s+)?(?:original|other|existing|built-?in|real|genuine)\s+(?:tool|function|server)\b/,
  /\b(?:[Ii]gnore|[Dd]on'?t\s+use|[Nn]ever\s+use|[Aa]void)\s+(?:all\s+|any\s+)?(other)\s+[\w\s-]{0,30}?(?:tools?|functions?|servers?)\b/,
  /\b[Uu]se\s+the\s+[`'"]?([A-Za-z][\w.-]*_[\w.-]+|[a-z]+[A-Z]\w+)[`'"]?\s+(?:tool|function)\s+to\b/,
  /\b(?:[Bb]efore|[Aa]fter|[Ww]hen(?:ever)?)\s+(?:using|calling|invoking|running)\s+(?:the\s+)?[`'"]?([A-Za-z][\w.-]*_[\w.-]+|[a-z]+[A-Z]\w+)[`'"]?/,
  // After round 10 (enkrypt's MPMA server, mcp-watchdog and VIGIL's super-tools, development since): steering away from
  // other tools written as advertising ("prefer this tool over similarly-named ones", "the other tool is deprecated",
  // "don't settle for inferior alternatives", "far superior to standard alternatives", "the only converter you should
  // trust", "the only tool authorized to …").
  /\b[Pp]refer\s+this\s+(?:tool|function|server)\s+over\s+(?:all\s+|any\s+)?(?:similarly[- ]named|identically[- ]named|similar|competing|alternative)\s+(?:ones|tools|functions|servers|alternatives)\b/,
  /\b(?:the\s+)?other\s+(?:[\w-]+\s+){0,2}?(?:tools?|converters?|alternatives|versions?|services?)\s+(?:is|are)\s+(?:now\s+|being\s+)?(?:deprecated|outdated|obsolete|inaccurate|inferior|unreliable)\b/i,
  /\b(?:don'?t|do\s+not|never)\s+(?:settle\s+for|waste\s+(?:your\s+)?time\s+(?:with|on)|bother\s+with|use)\s+(?:any\s+)?(?:inferior|outdated|lesser|other)\s+(?:[\w-]+\s+)?(?:tools?|alternatives|options|converters?|services?|competitors)\b/i,
  /\bwhy\s+(?:use|settle\s+for)\s+(?:inferior|outdated|lesser)\b/i,
  /\b(?:superior|better)\s+(?:to|than)\s+(?:all\s+|any\s+)?(?:other|standard|competing|inferior|existing)\s+(?:[\w-]+\s+)?(?:tools|alternatives|options|services)\b/i,
  /\boutperforms\s+(?:all|every|any)\s+(?:other\s+)?[\w-]+/i,
  /\b(?:must|should)\*{0,2}\s+(?:always\s+)?prioriti[sz]e\s+this\s+(?:tool|function|server)\s+over\s+(?:any|all)\s+(?:other\s+)?(?:alternatives|tools|options|functions)\b/i,
  /\bthe\s+only\s+(?:(?:authori[sz]ed|approved|official|permitted|trusted)\s+)?(?:[\w-]+\s+)?(?:(?:tool|converter|method|service)\s+(?:you\s+should\s+(?:ever\s+)?use|(?:that\s+is\s+)?(?:authori[sz]ed|approved|permitted|allowed)\s+to)|[\w-]+\s+you\s+should\s+(?:ever\s+)?trust)\b/i,
  /\bthe\s+only\s+(?:authori[sz]ed|approved|official|permitted)\s+(?:[\w-]+\s+)?(?:tool|method|service)\s+(?:to|for)\b/i,
];

// After round 8 (ksek87/fuzzd's MCPTox data, development since): directives about a tool this server does not offer,
// named in quotes or backticks or in a tool's shape (snake_case, camelCase, kebab-case with two hyphens or capitals):
// "you must first call `migrate-reset`", "When calling `lol-champion-analysis`, you must set …", "any `get-dataset-items`
// call …", "Before forking with 'fork_repository', you must use …". The name is marked as a tool by a verb of calling
// before it or a word for a tool or call after it, and the sentence carries an order (must, should, requires…). A
// server's own tools and its own parameters are what legitimate descriptions name; they are skipped.
const QUOTED_NAME = String.raw`[\`'"]([A-Za-z][\w./-]*[\w])[\`'"]`;
const BARE_NAME = String.raw`([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+|[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}|[A-Z][a-z0-9]+(?:-[A-Za-z0-9]+)+)`;
const CALLING = String.raw`\b(?:call(?:s|ing)?|(?:a\s+)?(?:prior\s+)?call\s+to|run(?:s|ning)?|execut(?:e|es|ing)|invok(?:e|es|ing)|trigger(?:s|ing)?|launch(?:es|ing)?|us(?:e|es|ing)|the\s+tool)\s+(?:the\s+)?`;
// Prepositions mark a tool only before a quoted name ("with 'create_branch'", "via `get-dataset`").
const THROUGH = String.raw`\b(?:via|with|through|to|for)\s+(?:the\s+)?`;
const TOOL_AFTER = String.raw`\s+(?:tool|function|calls?|requests?|lookups?|is\s+(?:called|used|invoked|run))\b`;
const NAMED_TOOL = [
  new RegExp(`${CALLING}${QUOTED_NAME}`, 'g'),
  // A bare name after "use" is as often a parameter or a library as a tool.
  new RegExp(`${CALLING.replace('|us(?:e|es|ing)', '')}${BARE_NAME}`, 'g'),
  new RegExp(`${THROUGH}${QUOTED_NAME}`, 'g'),
  new RegExp(`(?:${QUOTED_NAME}|${BARE_NAME})${TOOL_AFTER}`, 'g'),
];
// "required" is left out: parameter descriptions say "required for <mode>" of their own options.
const ORDER = /\b(?:must|shall|requires|mandatory|need\s+to|needs\s+to|have\s+to|has\s+to)\b/i;
// Hyphenated words of prose ("end-to-end", "up-to-date") are not tool names.
const PROSE_HYPHENS = /(?:^|-)(?:to|of|the|in|by|and|a|an|on|at|or|for|up|out|per)(?:-|$)/i;

const CALL_ORDER =
  /\b(?:call|invoke|run|execute|trigger)s?\s+(?:the\s+)?[`'"]?([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+)[`'"]?(?:\s+(?:tool|function|command))?/g;
const ORDERING = /\b(?:first|then|after|afterwards|before|always|also|every\s+time|each\s+time|must)\b/i;

// Cyrillic and Greek letters that render like Latin ones (the common confusables).
const CONFUSABLE: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ɡ: 'g',
  һ: 'h',
  ӏ: 'l',
  к: 'k',
  м: 'm',
  т: 't',
  в: 'b',
  н: 'h',
  α: 'a',
  ε: 'e',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  ν: 'v',
  κ: 'k',
  ι: 'i',
  χ: 'x',
};

/** A name as it looks: NFKC, lower case, confusables folded, separators dropped. */
export function nameSkeleton(name: string): string {
  return [...name.normalize('NFKC').toLowerCase()]
    .map((c) => CONFUSABLE[c] ?? c)
    .join('')
    .replace(/[\s_.-]+/g, '');
}

/**
 * Shadowing is about what a description says, not about names that happen to be equal:
 * a description naming another server's tool (medium; high in a directive sentence), telling
 * the model how to use some other tool, or demanding every other tool behave a certain way.
 * Two servers that both offer `create_issue` are not, by that alone, shadowing each other.
 */
export const toolShadowing: TextRule = {
  meta,
  name(text, ctx, out) {
    // Impersonation: a tool name that looks like another server's tool but is not the same string.
    if (ctx.tool === undefined || !ctx.location.endsWith('.name') || ctx.others.size === 0) return;
    const skeleton = nameSkeleton(text);
    if (skeleton.length < 4) return;
    for (const [tool, server] of ctx.others) {
      if (tool !== text && nameSkeleton(tool) === skeleton) {
        out.push({
          rule: meta,
          start: 0,
          end: text.length,
          note: `looks like "${printable(tool)}", a tool of server "${printable(server)}", but is a different name`,
        });
        break;
      }
    }
  },
  prose(text, ctx, out) {
    const isOwn = (name: string) => {
      const n = name.toLowerCase();
      for (const own of ctx.ownTools) if (own.toLowerCase() === n || own.toLowerCase().includes(n)) return true;
      return false;
    };
    for (const [tool, server] of ctx.others) {
      if (ctx.ownTools.has(tool) || !distinctive(tool)) continue;
      for (const m of matchAll(new RegExp(`(?<![\\w-])${escapeRegExp(tool)}(?![\\w-])`), text)) {
        const sentenceStart = Math.max(text.lastIndexOf('.', m.index), text.lastIndexOf('\n', m.index)) + 1;
        const sentenceEnd = text.slice(m.index).search(/[.\n]/);
        const sentence = text.slice(sentenceStart, sentenceEnd < 0 ? text.length : m.index + sentenceEnd);
        out.push({
          rule: meta,
          start: m.index,
          end: m.index + tool.length,
          severity: DIRECTIVE.test(sentence) ? 'high' : 'medium',
          note: `names "${printable(tool)}", a tool of server "${printable(server)}"`,
        });
      }
    }
    // Everything below spans words.
    if (!/\s/.test(text)) return;
    for (const re of REDEFINES) {
      for (const m of matchAll(re, text)) {
        // "before using fetch_latest." captures the full stop too; the name is without it.
        const name = (m[1] ?? 'other').replace(/[.-]+$/, '');
        if (name !== 'other' && (isOwn(name) || /^(?:this|that|any|every|other|same|the)$/i.test(name))) continue;
        out.push({
          rule: meta,
          start: m.index,
          end: m.index + m[0].length,
          note: name === 'other' ? 'steers the model away from other tools' : `redefines the behaviour of tool "${printable(name)}"`,
        });
      }
    }
    // Round 4 (alexandriashai/cbrowser's strings): an order to call a tool this server does not offer
    // ("First call extract_secrets, then navigate", "After this tool completes, call send_data").
    // Only in an ordering sentence, and only for tool-shaped names (snake_case or camelCase). After round 5
    // (rodolfboctor/mcp-scan, development since): the third person too ("reads files and then calls delete_everything").
    if (ctx.ownTools.size > 0)
      for (const m of matchAll(CALL_ORDER, text)) {
        const name = m[1].replace(/[.-]+$/, '');
        if (isOwn(name) || ctx.others.has(name)) continue;
        const from = Math.max(text.lastIndexOf('.', m.index - 1), text.lastIndexOf('\n', m.index - 1)) + 1;
        const sentence = text.slice(from, m.index + m[0].length + 60);
        if (!ORDERING.test(sentence)) continue;
        out.push({ rule: meta, start: m.index, end: m.index + m[0].length, note: `orders a call to "${printable(name)}", which this server does not offer` });
      }
    if (ctx.ownTools.size > 0 && ORDER.test(text)) {
      const seen = new Set<string>();
      for (const s of sentences(text)) {
        if (!ORDER.test(s.text)) continue;
        for (const re of NAMED_TOOL)
          for (const m of matchAll(re, s.text)) {
            const name = (m[1] ?? m[2]).replace(/[.-]+$/, '');
            if (!/[`'"]/.test(m[0]) && PROSE_HYPHENS.test(name)) continue;
            if (
              seen.has(name) ||
              isOwn(name) ||
              ctx.ownProperties?.has(name) ||
              ctx.others.has(name) ||
              !/[_-]|[a-z][A-Z]/.test(name) ||
              /^https?:|\//.test(name)
            )
              continue;
            seen.add(name);
            out.push({
              rule: meta,
              start: s.start + m.index,
              end: s.start + m.index + m[0].length,
              note: `orders the model about "${printable(name)}", a tool this server does not offer`,
            });
          }
      }
    }
    // Round 3: redefining tool definitions or servers, and instructions that travel to other tools or servers.
    for (const m of matchAll(
      /\b(?:override|replace|redefine|rewrite|modify|mutate|create|register|inject)\s+(?:a\s+new\s+|the\s+|an?\s+)?(?:tool\s+definitions?|mcp\s+server(?:\s+configuration)?s?)\b/i,
      text,
    ))
      out.push({ rule: meta, start: m.index, end: m.index + m[0].length, note: 'rewrites tool definitions or servers' });
    for (const m of matchAll(
      /\b(?:propagate|replicate|spread|copy|forward|send)\s+(?:this|the|these)\s+(?:instructions?|payload|prompt|message|directive)s?\s+to\s+(?:all|every|each|other|another)\b|\btell\s+(?:the\s+)?other\s+(?:tools?|servers?|agents?)\s+to\b|\b(?:from|of)\s+the\s+(?:adjacent|other|neighbou?ring)\s+(?:server|tool)'?s?\b|\bthe\s+(?:adjacent|other|neighbou?ring)\s+(?:server|tool)'s\s+(?:tokens?|credentials?|keys?|secrets?|session|data)\b/i,
      text,
    ))
      out.push({ rule: meta, start: m.index, end: m.index + m[0].length, note: 'reaches into other tools or servers' });
    for (const m of matchAll(/\b(?:all|any|every)\s+(?:other\s+)?(?:\w+\s+)?(?:tools?|servers?)\s+(?:must|should|have\s+to)\b/i, text)) {
      out.push({ rule: meta, start: m.index, end: m.index + m[0].length, note: 'dictates the behaviour of other tools' });
    }
  },
};
