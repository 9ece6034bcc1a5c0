/**
 * Saves a blob as a file through a temporary object URL and a download link.
 * The URL is revoked once the browser has had a chance to start the download.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  try {
    followDownloadLink(url, filename);
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/**
 * Follows a link to a file as a download, staying on the page: a temporary link with
 * `download`, clicked. A link to another origin downloads when its answer says it is an
 * attachment (`filename` is then the server's).
 */
export function followDownloadLink(url: string, filename = ''): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
  }
}
