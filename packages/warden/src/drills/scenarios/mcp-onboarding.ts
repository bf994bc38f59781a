import { runMcpOnboardingDrill } from '@warden/mcp';
import type { Drill } from '../drill-deployment';

export const mcpOnboardingDrill: Drill = {
  id: 'mcp-onboarding',
  control: 'L3.mcp-onboarding',
  async run(deployment, run) {
    const verdict = await runMcpOnboardingDrill(run.collector);
    if (verdict.status === 'not_applicable' && deployment.mcpServersSeen > 0)
      return { status: 'failed', reason: `${deployment.mcpServersSeen} MCP server(s) were used but no MCP client is wrapped with onboarding in this process` };
    return verdict;
  },
};
