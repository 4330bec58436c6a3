// s3rver on a free loopback port with a temporary directory: the S3 peer tests can start here
// (no MinIO is installable). It accepts only its fixed S3RVER key pair.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface S3Server {
	endpoint: string;
	accessKey: string;
	secretKey: string;
	stop(): Promise<void>;
}

export async function startS3Server(): Promise<S3Server> {
	const directory = await mkdtemp(path.join(os.tmpdir(), 'roster-s3-'));
	const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
	const { port } = await server.run();
	return {
		endpoint: `http://127.0.0.1:${port}`,
		accessKey: 'S3RVER',
		secretKey: 'S3RVER',
		async stop() {
			await server.close();
			await rm(directory, { recursive: true, force: true });
		}
	};
}
