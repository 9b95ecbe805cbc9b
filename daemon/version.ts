import { version } from '../package.json';

/** tandemd's version (the package version; the extension and daemon ship together). */
export const DAEMON_VERSION: string = version;
