/**
 * The catalogue of scan rules. Each rule lives in its own file under rules/ with its
 * patterns and metadata together; this file only lists them (the order is the SARIF order).
 */
import type { Severity } from '@warden/core';
import { addressedToModel } from './rules/addressed-to-model';
import { classifierRule } from './rules/classifier';
import { codeExecution } from './rules/code-execution';

import { concealment } from './rules/concealment';
import { contextHarvestingParameter } from './rules/context-harvesting-parameter';
import { credentialHarvest } from './rules/credential-harvest';
import { dataFlowIntent } from './rules/data-flow';
import { embeddedSecret } from './rules/embedded-secret';
import { encodedPayload } from './rules/encoded-payload';
import { exfiltrationLink } from './rules/exfiltration-link';
import { forcedInvocation } from './rules/forced-invocation';
import { hiddenInstructionTag } from './rules/hidden-instruction-tag';
import { htmlComment } from './rules/html-comment';
import { instructionDensity } from './rules/instruction-density';
import { instructionOverride } from './rules/instruction-override';
import { judgeVerdict } from './rules/judge-verdict';
import { modelDirective } from './rules/model-directive';
import type { ScanRule, TextRule } from './rules/rule';
import { sensitivePath } from './rules/sensitive-path';
import { sleeperTrigger } from './rules/sleeper-trigger';
import { lookAlikePackage, unpinnedPackage } from './rules/supply-chain';
import { toolShadowing } from './rules/tool-shadowing';
import { toolSignatureChanged } from './rules/tool-signature-changed';
import { insecureTransport, missingAuthentication } from './rules/transport';
import { homoglyphMixing, invisibleControls, unicodeTags } from './rules/unicode';

export type { ScanRule } from './rules/rule';

export const SCAN_RULES = {
  hiddenInstructionTag: hiddenInstructionTag.meta,
  instructionOverride: instructionOverride.meta,
  concealment: concealment.meta,
  forcedInvocation: forcedInvocation.meta,
  unicodeTags: unicodeTags.meta,
  invisibleControls: invisibleControls.meta,
  homoglyphs: homoglyphMixing.meta,
  encodedPayload: encodedPayload.meta,
  htmlComment: htmlComment.meta,
  sensitivePath: sensitivePath.meta,
  credentialHarvest: credentialHarvest.meta,
  embeddedSecret: embeddedSecret.meta,
  exfiltrationLink: exfiltrationLink.meta,
  toolShadowing: toolShadowing.meta,
  suspiciousParameter: contextHarvestingParameter.meta,
  insecureTransport,
  missingAuthentication,
  toolSignatureChanged,
  dataFlowIntent: dataFlowIntent.meta,
  instructionsToModel: modelDirective.meta,
  sleeperTrigger: sleeperTrigger.meta,
  lookAlikePackage,
  unpinnedPackage,
  addressedToModel: addressedToModel.meta,
  instructionDensity: instructionDensity.meta,
  codeExecution: codeExecution.meta,
  classifier: classifierRule.meta,
  judgeVerdict,
} as const satisfies Record<string, ScanRule>;

export type ScanRuleKey = keyof typeof SCAN_RULES;

/** The rules that read text, in the order they run. */
export const TEXT_RULES: readonly TextRule[] = [
  hiddenInstructionTag,
  instructionOverride,
  concealment,
  forcedInvocation,
  sensitivePath,
  credentialHarvest,
  embeddedSecret,
  contextHarvestingParameter,
  exfiltrationLink,
  unicodeTags,
  invisibleControls,
  homoglyphMixing,
  htmlComment,
  encodedPayload,
  toolShadowing,
  dataFlowIntent,
  modelDirective,
  sleeperTrigger,
  addressedToModel,
  instructionDensity,
  codeExecution,
  // The embedded classifier (classifierRule, classifySentence) is not in the default list: on real
  // npm descriptions it flagged 2.8% and even "Echoes the text it is given." (README "Measured").
];

export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
