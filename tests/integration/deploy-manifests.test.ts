// There is no cluster here, so deploy/k8s is checked offline: every object against the Kubernetes
// API schemas (kubernetes-models ships them as compiled validators), then the objects against each
// other, against the app's configuration schema and against docker-compose, so a typo, a dangling
// name or a variable the app no longer reads fails here instead of during a rollout.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IConfigMap, IContainer, IProbe, ISecret, IService } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/lib/server/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const manifestDir = path.join(root, 'deploy/k8s');

interface Manifest {
	apiVersion: string;
	kind: string;
	metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

/** Every document of a YAML file; a syntax error throws with the file's name and the line. */
function parseManifests(text: string, source: string): Manifest[] {
	return parseAllDocuments(text).flatMap((document) => {
		if (document.errors.length > 0)
			throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
		const manifest = document.toJS() as Manifest | null;
		return manifest ? [manifest] : [];
	});
}

/** What `kubectl apply -k` applies: the files in `resources`, with `images` rewritten. */
const kustomization = parse(readFileSync(path.join(manifestDir, 'kustomization.yaml'), 'utf8')) as {
	resources: string[];
	images?: { name: string }[];
};

const manifests = kustomization.resources.flatMap((file) =>
	parseManifests(readFileSync(path.join(manifestDir, file), 'utf8'), file)
);

/**
 * The schema of the object's apiVersion and kind (`kubernetes-models/apps/v1/Deployment`), and
 * the rules the schema leaves open but a deployment of ours must keep.
 */
async function problemsOf(manifest: Manifest): Promise<string[]> {
	const problems: string[] = [];
	const label = `${manifest.kind} ${manifest.metadata?.name}`;
	const model = await modelOf(manifest);
	if (!model) {
		problems.push(`${label}: no Kubernetes schema for ${manifest.apiVersion} ${manifest.kind}`);
	} else {
		try {
			new model(manifest).validate();
		} catch (error) {
			problems.push(`${label}: ${(error as Error).message}`);
		}
	}
	// The namespace is the applier's choice (kubectl -n, an overlay), never the manifest's.
	if (manifest.metadata?.namespace) problems.push(`${label}: sets a namespace`);
	// The API leaves a container's image optional (for controllers that fill it in); ours never do.
	for (const container of podContainers(manifest)) {
		if (typeof container.image !== 'string' || container.image.trim() === '')
			problems.push(`${label}: container ${container.name} has no image`);
	}
	return problems;
}

type Model = new (data: unknown) => { validate(): void };

async function modelOf(manifest: Manifest): Promise<Model | undefined> {
	// One module per kind (kubernetes-models/apps/v1/Deployment), found at run time: Vite cannot
	// know which when it transforms this file.
	const specifier = `kubernetes-models/${manifest.apiVersion}/${manifest.kind}`;
	try {
		const module = await import(/* @vite-ignore */ specifier);
		return module[manifest.kind];
	} catch {
		return undefined;
	}
}

function podContainers(manifest: Manifest): IContainer[] {
	if (manifest.kind !== 'Deployment') return [];
	const spec = (manifest as IDeployment).spec?.template?.spec;
	return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

function all<T>(kind: string): (T & Manifest)[] {
	return manifests.filter((manifest) => manifest.kind === kind) as (T & Manifest)[];
}

/** The object of that kind and name; a reference without a name finds nothing. */
function named<T>(kind: string, name: string | undefined): (T & Manifest) | undefined {
	return name === undefined
		? undefined
		: all<T>(kind).find((manifest) => manifest.metadata.name === name);
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>) {
	const pairs = Object.entries(selector ?? {});
	return pairs.length > 0 && pairs.every(([key, value]) => labels[key] === value);
}

/** The one Deployment whose container runs `script` (server.js, worker.js) and that container. */
function runnerOf(script: string): { deployment: IDeployment & Manifest; container: IContainer } {
	const found = all<IDeployment>('Deployment').flatMap((deployment) =>
		(deployment.spec?.template.spec?.containers ?? [])
			.filter((container) => container.command?.includes(script))
			.map((container) => ({ deployment, container }))
	);
	expect(found, `one container runs ${script}`).toHaveLength(1);
	return found[0]!;
}

/** A probe's or Service's port, by name or number, as the container's port number. */
function containerPort(container: IContainer, port: string | number | undefined): number {
	const match = container.ports?.find(
		(candidate) => candidate.name === port || candidate.containerPort === port
	);
	expect(match, `container ${container.name} has port ${port}`).toBeDefined();
	return match!.containerPort;
}

/** The environment a container starts with: its ConfigMaps and Secrets, then its own env. */
function environmentOf(container: IContainer): Record<string, string> {
	const environment: Record<string, string> = {};
	for (const source of container.envFrom ?? []) {
		if (source.configMapRef)
			Object.assign(environment, named<IConfigMap>('ConfigMap', source.configMapRef.name)?.data);
		if (source.secretRef)
			Object.assign(environment, named<ISecret>('Secret', source.secretRef.name)?.stringData);
	}
	for (const variable of container.env ?? [])
		if (variable.value !== undefined) environment[variable.name] = variable.value;
	return environment;
}

/** Variable names the app reads: the keys of config.ts's schema and README's table. */
function knownVariables(): Set<string> {
	const configSource = readFileSync(path.join(root, 'src/lib/server/config.ts'), 'utf8');
	const schema = configSource.slice(configSource.indexOf('z.object({'));
	const fromConfig = [...schema.matchAll(/^\t([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!);
	const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
	const table = readme
		.split('\n')
		.filter((line) => line.startsWith('|'))
		.join('\n');
	const fromReadme = [...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]!);
	return new Set([...fromConfig, ...fromReadme]);
}

const probes = (container: IContainer): [string, IProbe | undefined][] => [
	['startupProbe', container.startupProbe],
	['readinessProbe', container.readinessProbe],
	['livenessProbe', container.livenessProbe]
];

describe('deploy/k8s manifests', () => {
	it('kustomization.yaml applies every manifest in the folder, and only those', () => {
		const files = readdirSync(manifestDir).filter(
			(file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml'
		);
		expect([...kustomization.resources].sort()).toEqual(files.sort());
		expect(manifests.length).toBeGreaterThanOrEqual(files.length);
	});

	it('kustomization.yaml pins every image the pods run', () => {
		const pinned = new Set(kustomization.images?.map((image) => image.name));
		const images = all<IDeployment>('Deployment').flatMap((deployment) =>
			podContainers(deployment).map((container) => container.image)
		);
		expect(images.length).toBeGreaterThan(0);
		for (const image of images) expect(pinned).toContain(image);
	});

	it.each(manifests.map((manifest) => [`${manifest.kind} ${manifest.metadata.name}`, manifest]))(
		'%s is valid against the Kubernetes schema',
		async (_label, manifest) => {
			expect(await problemsOf(manifest)).toEqual([]);
		}
	);

	describe('a broken manifest fails', () => {
		const deployment = () =>
			structuredClone(manifests.find((manifest) => manifest.kind === 'Deployment')!);

		it('a number given as a string', async () => {
			const broken = deployment() as IDeployment & Manifest;
			(broken.spec as unknown as Record<string, unknown>).replicas = 'two';
			expect((await problemsOf(broken)).join('\n')).toMatch(/replicas must be integer/);
		});

		it('a container with no name or no image', async () => {
			const broken = deployment() as IDeployment & Manifest;
			const container = broken.spec!.template.spec!.containers[0]!;
			delete (container as Partial<IContainer>).name;
			delete container.image;
			const problems = (await problemsOf(broken)).join('\n');
			expect(problems).toMatch(/must have required property '?name'?/);
			expect(problems).toMatch(/has no image/);
		});

		it('a kind the API does not have, and a namespace', async () => {
			const broken = { ...deployment(), kind: 'Deploymnet' };
			broken.metadata = { ...broken.metadata, namespace: 'production' };
			const problems = (await problemsOf(broken)).join('\n');
			expect(problems).toMatch(/no Kubernetes schema for apps\/v1 Deploymnet/);
			expect(problems).toMatch(/sets a namespace/);
		});

		it('YAML that does not parse', () => {
			expect(() => parseManifests('kind: Service\n  name: [roster', 'broken.yaml')).toThrow(
				/broken\.yaml/
			);
		});
	});

	it('every Deployment selects its own pods, and its ConfigMaps, Secrets and volumes exist', () => {
		for (const deployment of all<IDeployment>('Deployment')) {
			const pod = deployment.spec!.template;
			expect(selects(deployment.spec!.selector.matchLabels, pod.metadata!.labels!)).toBe(true);
			const volumes = new Set(pod.spec!.volumes?.map((volume) => volume.name));
			for (const container of podContainers(deployment)) {
				for (const source of container.envFrom ?? []) {
					if (source.configMapRef)
						expect(named('ConfigMap', source.configMapRef.name)).toBeDefined();
					if (source.secretRef) expect(named('Secret', source.secretRef.name)).toBeDefined();
				}
				for (const variable of container.env ?? []) {
					const fromConfigMap = variable.valueFrom?.configMapKeyRef;
					if (fromConfigMap)
						expect(named<IConfigMap>('ConfigMap', fromConfigMap.name)?.data).toHaveProperty(
							fromConfigMap.key
						);
					const fromSecret = variable.valueFrom?.secretKeyRef;
					if (fromSecret)
						expect(named<ISecret>('Secret', fromSecret.name)?.stringData).toHaveProperty(
							fromSecret.key
						);
				}
				for (const mount of container.volumeMounts ?? []) expect(volumes).toContain(mount.name);
			}
		}
	});

	it('the app runs two replicas or more, scaled by CPU, and loses one at most to a drain', () => {
		const { deployment } = runnerOf('server.js');
		expect(deployment.spec!.replicas).toBeGreaterThanOrEqual(2);

		const autoscalers = all<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
		const autoscaler = autoscalers.find(
			(candidate) => candidate.spec!.scaleTargetRef.name === deployment.metadata.name
		);
		expect(autoscaler?.spec!.scaleTargetRef).toMatchObject({
			apiVersion: 'apps/v1',
			kind: 'Deployment'
		});
		expect(autoscaler!.spec!.minReplicas).toBeGreaterThanOrEqual(2);
		expect(autoscaler!.spec!.maxReplicas).toBeGreaterThan(autoscaler!.spec!.minReplicas!);
		expect(autoscaler!.spec!.metrics).toContainEqual(
			expect.objectContaining({
				type: 'Resource',
				resource: expect.objectContaining({ name: 'cpu' })
			})
		);
		for (const target of autoscalers.map((candidate) => candidate.spec!.scaleTargetRef))
			expect(named(target.kind, target.name), `HPA target ${target.name}`).toBeDefined();

		for (const budget of all<IPodDisruptionBudget>('PodDisruptionBudget')) {
			const covered = all<IDeployment>('Deployment').filter((candidate) =>
				selects(budget.spec!.selector?.matchLabels, candidate.spec!.template.metadata!.labels!)
			);
			expect(covered, `PDB ${budget.metadata.name} covers a Deployment`).toHaveLength(1);
			expect(covered[0]!.spec!.replicas! - Number(budget.spec!.maxUnavailable)).toBeGreaterThan(0);
		}
	});

	it('the app and the worker are probed on /api/health at their own port', () => {
		const app = runnerOf('server.js');
		const worker = runnerOf('worker.js');
		const appPort = Number(environmentOf(app.container).PORT ?? 3000);
		// WORKER_PORT is the worker's health port, 3001 unless set.
		const workerPort = Number(environmentOf(worker.container).WORKER_PORT ?? 3001);
		for (const [runner, port] of [
			[app, appPort],
			[worker, workerPort]
		] as const) {
			for (const [kind, probe] of probes(runner.container)) {
				expect(probe?.httpGet?.path, `${runner.container.name} ${kind}`).toBe('/api/health');
				expect(containerPort(runner.container, probe!.httpGet!.port)).toBe(port);
			}
		}
	});

	it('pods run as non-root on a read-only root, with requests, limits and a writable DATA_DIR', () => {
		for (const deployment of all<IDeployment>('Deployment')) {
			const pod = deployment.spec!.template.spec!;
			expect(pod.securityContext?.runAsNonRoot).toBe(true);
			for (const container of podContainers(deployment)) {
				expect(container.securityContext).toMatchObject({
					readOnlyRootFilesystem: true,
					allowPrivilegeEscalation: false
				});
				expect(container.resources?.requests).toMatchObject({
					cpu: expect.any(String),
					memory: expect.any(String)
				});
				expect(container.resources?.limits?.memory).toEqual(expect.any(String));
				const dataDir = path.posix.resolve('/app', environmentOf(container).DATA_DIR ?? '.data');
				expect(container.volumeMounts?.map((mount) => mount.mountPath)).toContain(dataDir);
			}
		}
	});

	it('the Service selects the app alone and the Ingress reaches it, with long-lived connections', () => {
		const app = runnerOf('server.js');
		for (const service of all<IService>('Service')) {
			const selected = all<IDeployment>('Deployment').filter((deployment) =>
				selects(service.spec!.selector, deployment.spec!.template.metadata!.labels!)
			);
			expect(selected.map((deployment) => deployment.metadata.name)).toEqual([
				app.deployment.metadata.name
			]);
			for (const port of service.spec!.ports!)
				expect(containerPort(app.container, port.targetPort)).toBe(
					Number(environmentOf(app.container).PORT ?? 3000)
				);
		}

		const ingresses = all<IIngress>('Ingress');
		expect(ingresses).toHaveLength(1);
		const ingress = ingresses[0]!;
		const backends = ingress.spec!.rules!.flatMap((rule) =>
			rule.http!.paths.map((entry) => entry.backend.service!)
		);
		expect(backends.length).toBeGreaterThan(0);
		for (const backend of backends) {
			const service = named<IService>('Service', backend.name);
			expect(service, `Ingress backend ${backend.name}`).toBeDefined();
			expect(
				service!.spec!.ports!.some(
					(port) => port.name === backend.port?.name || port.port === backend.port?.number
				)
			).toBe(true);
		}

		// WebSocket, SSE and socket.io's polling handshake (see the comments in ingress.yaml).
		const annotations = ingress.metadata!.annotations!;
		const prefix = 'nginx.ingress.kubernetes.io/';
		expect(Number(annotations[`${prefix}proxy-read-timeout`])).toBeGreaterThanOrEqual(3600);
		expect(Number(annotations[`${prefix}proxy-send-timeout`])).toBeGreaterThanOrEqual(3600);
		expect(annotations[`${prefix}proxy-buffering`]).toBe('off');
		expect(annotations[`${prefix}affinity`]).toBe('cookie');
		const bodyLimit = /^(\d+)m$/.exec(annotations[`${prefix}proxy-body-size`] ?? '');
		const config = loadConfig(environmentOf(app.container));
		expect(Number(bodyLimit?.[1]) * 1024 * 1024).toBeGreaterThan(config.UPLOAD_MAX_BYTES);

		const hosts = ingress.spec!.rules!.map((rule) => rule.host);
		expect(hosts).toContain(new URL(config.ORIGIN!).host);
		for (const tls of ingress.spec!.tls ?? [])
			for (const host of tls.hosts!) expect(hosts).toContain(host);
	});

	it('every variable set is one the app reads, and the set passes its config schema', () => {
		const known = knownVariables();
		expect(known).toContain('DATABASE_URL');
		for (const { container } of [runnerOf('server.js'), runnerOf('worker.js')]) {
			const environment = environmentOf(container);
			const unknown = Object.keys(environment).filter((name) => !known.has(name));
			expect(unknown, `${container.name} sets variables the app does not read`).toEqual([]);

			const config = loadConfig(environment);
			// Postgres, Redis, S3 and Vault are external services, named by URL: never the embedded
			// stand-ins, which would give each pod its own database and its own files.
			expect(config.DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
			expect(config.REDIS_URL).toMatch(/^rediss?:\/\//);
			expect(config.s3).toBeDefined();
			expect(config.vault).toBeDefined();
			expect(config.SEED_DEMO).toBe(false);
		}
	});

	it('jobs run in the worker Deployment, not in the app pods', () => {
		expect(environmentOf(runnerOf('server.js').container).JOBS_IN_PROCESS).toBe('false');
		expect(environmentOf(runnerOf('worker.js').container).JOBS_IN_PROCESS).not.toBe('false');
	});

	it('the Secret is a template: every value is a marked placeholder or empty', () => {
		for (const secret of all<ISecret>('Secret')) {
			// base64 `data` would hide a real value from this check and from review.
			expect(secret.data).toBeUndefined();
			for (const [key, value] of Object.entries(secret.stringData ?? {}))
				expect(value === '' || value.includes('CHANGE-ME'), key).toBe(true);
		}
	});
});

describe('docker-compose.yml', () => {
	const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), {
		merge: true
	}) as {
		services: Record<
			string,
			{ command?: string[]; environment?: Record<string, string>; healthcheck?: { test: string[] } }
		>;
	};

	it('runs a worker with the app environment, health-checked on its port', () => {
		const worker = compose.services.worker;
		expect(worker?.command).toEqual(['node', 'worker.js']);
		const { JOBS_IN_PROCESS: appRunsJobs, ...appEnvironment } = compose.services.app1!.environment!;
		expect(appRunsJobs).toBe('false');
		expect(worker?.environment).toEqual(appEnvironment);
		expect(worker?.healthcheck?.test.join(' ')).toMatch(/3001.*\/api\/health|\/api\/health.*3001/);
		const known = knownVariables();
		for (const name of Object.keys(worker?.environment ?? {})) expect(known).toContain(name);
	});

	it('builds an image that carries worker.js beside server.js', () => {
		const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
		expect(dockerfile).toMatch(/^COPY .*\bworker\.js\b/m);
	});
});
