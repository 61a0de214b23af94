/**
 * REST API routes from a template: each AWS::ApiGateway::Method with a Lambda integration becomes
 * method + path → function, the path walked up its AWS::ApiGateway::Resource parents to the API's
 * root. The local API serves them at its root (no stage prefix), behind its bearer token instead
 * of the method's authorization type. MOCK integrations (CORS preflights) have no function.
 */
import { BadInputError } from '../../../core/errors.js';
import { HttpMethod } from '../../resources.js';
import { lambdaFunctionName } from '../stepfunctions/names.js';
import type { PlannedRoute } from './localPlan.js';
import type { Properties } from './templatePlan.js';

const refused = (message: string) => new BadInputError('TEMPLATE_UNSUPPORTED', message);

const METHODS = new Set<string>(Object.values(HttpMethod));
/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations` */
const LAMBDA_URI = /:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/;

export function apiRoutes(
  resources: readonly (readonly [string, Properties])[],
  methods: readonly (readonly [string, Properties])[],
): PlannedRoute[] {
  const parents = new Map(
    resources.map(([logicalId, props]) => [
      logicalId,
      { parent: String(props('ParentId')), part: String(props('PathPart')) },
    ]),
  );
  const pathOf = (resourceId: string, seen: readonly string[] = []): string => {
    const resource = parents.get(resourceId);
    // The API's root (its RootResourceId) is the only parent that is not a resource.
    if (!resource) return '';
    if (seen.includes(resourceId)) throw refused(`${resourceId}: its ParentId chain loops.`);
    return `${pathOf(resource.parent, [...seen, resourceId])}/${resource.part}`;
  };
  const routes: PlannedRoute[] = [];
  for (const [logicalId, props] of methods) {
    const integration = (props('Integration') ?? {}) as { Type?: string; Uri?: unknown };
    if (integration.Type === 'MOCK') continue;
    const method = String(props('HttpMethod'));
    if (!METHODS.has(method)) {
      throw refused(`${logicalId}: the local API routes ${[...METHODS].join(', ')}, not ${method}.`);
    }
    const uri = LAMBDA_URI.exec(String(integration.Uri ?? ''));
    if (!(integration.Type === 'AWS_PROXY' || integration.Type === 'AWS') || !uri) {
      throw refused(`${logicalId}: only Lambda integrations are served locally, not ${integration.Type}.`);
    }
    const path = pathOf(String(props('ResourceId'))) || '/';
    if (routes.some((route) => route.method === method && route.path === path)) {
      throw refused(`${logicalId}: ${method} ${path} is routed twice.`);
    }
    routes.push({
      logicalId,
      method: method as HttpMethod,
      path,
      functionName: lambdaFunctionName(uri[1]!),
    });
  }
  return routes;
}
