using Amazon.S3;
using Amazon.S3.Model;
using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.ObjectStorage;

/// <summary>
/// One attempt at one queue item. A file no larger than a part goes as one PUT; a larger one as a multipart upload
/// that continues where its journal says it stopped (the upload id and the parts already acknowledged are kept; only
/// the missing parts are sent). Every body carries its Content-MD5 and the ETag answered for it must be that MD5;
/// after completion a HEAD must show the file's size and the ETag of its bytes (the MD5 of the file, or of its parts'
/// MD5s for servers that answer the multipart form).
/// </summary>
internal sealed class ObjectUpload(IAmazonS3 s3, string bucket, UploadQueue queue, TimeProvider time)
{
    public async Task<Result<QueueItem>> RunAsync(QueueItem item, CancellationToken cancellationToken)
    {
        try
        {
            var local = CheckLocalFile(item);
            if (local is not null)
            {
                return local;
            }

            return item.IsMultipart
                ? await MultipartAsync(item, cancellationToken).ConfigureAwait(false)
                : await SinglePutAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && S3Failures.From(e, bucket) is { } failure)
        {
            return failure;
        }
    }

    private async Task<Result<QueueItem>> SinglePutAsync(QueueItem item, CancellationToken cancellationToken)
    {
        var read = await ReadPartAsync(item, 1, cancellationToken).ConfigureAwait(false);
        if (!read.TryGetValue(out var body, out var failure))
        {
            return failure;
        }

        var md5 = PartChecksum.Md5(body);
        var response = await s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = bucket,
                Key = item.Key,
                InputStream = new MemoryStream(body, writable: false),
                AutoCloseStream = true,
                MD5Digest = Convert.ToBase64String(md5),
                UseChunkEncoding = false,
            },
            cancellationToken).ConfigureAwait(false);
        if (PartChecksum.Bare(response.ETag) != PartChecksum.Hex(md5))
        {
            return new Failure(S3Failures.Checksum, $"the endpoint answered ETag {response.ETag} for a body of MD5 {PartChecksum.Hex(md5)}");
        }

        var done = item with { Parts = [new UploadedPart(1, PartChecksum.Bare(response.ETag), Convert.ToBase64String(md5), body.Length)] };
        return await VerifyAsync(done, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Result<QueueItem>> MultipartAsync(QueueItem item, CancellationToken cancellationToken)
    {
        if (item.UploadId is null)
        {
            var created = await s3.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = bucket, Key = item.Key },
                cancellationToken).ConfigureAwait(false);
            item = item with { UploadId = created.UploadId, State = UploadState.Uploading, Parts = [] };
            queue.Save(item);
        }
        else if (item.State != UploadState.Uploading)
        {
            item = item with { State = UploadState.Uploading };
            queue.Save(item);
        }

        var done = item.Parts.Select(p => p.Number).ToHashSet();
        for (var number = 1; number <= item.PartCount; number++)
        {
            if (done.Contains(number))
            {
                continue;
            }

            var read = await ReadPartAsync(item, number, cancellationToken).ConfigureAwait(false);
            if (!read.TryGetValue(out var body, out var failure))
            {
                return failure;
            }

            var md5 = PartChecksum.Md5(body);
            var response = await s3.UploadPartAsync(
                new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = item.Key,
                    UploadId = item.UploadId,
                    PartNumber = number,
                    InputStream = new MemoryStream(body, writable: false),
                    MD5Digest = Convert.ToBase64String(md5),
                    UseChunkEncoding = false,
                },
                cancellationToken).ConfigureAwait(false);
            if (PartChecksum.Bare(response.ETag) != PartChecksum.Hex(md5))
            {
                return new Failure(S3Failures.Checksum, $"part {number}: the endpoint answered ETag {response.ETag} for a body of MD5 {PartChecksum.Hex(md5)}");
            }

            item = item with { Parts = [.. item.Parts, new UploadedPart(number, PartChecksum.Bare(response.ETag), Convert.ToBase64String(md5), body.Length)] };
            queue.Save(item);
        }

        try
        {
            await s3.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest
                {
                    BucketName = bucket,
                    Key = item.Key,
                    UploadId = item.UploadId,
                    PartETags = [.. item.Parts.OrderBy(p => p.Number).Select(p => new PartETag(p.Number, p.ETag))],
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            // Completed by an earlier attempt whose answer was lost (process killed, link cut)? Then the object is there.
            var already = await VerifyAsync(item, cancellationToken).ConfigureAwait(false);
            return already.IsOk ? already : new Failure(S3Failures.UploadLost, $"the endpoint no longer knows upload {item.UploadId} and the object is not complete");
        }

        return await VerifyAsync(item, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Result<QueueItem>> VerifyAsync(QueueItem item, CancellationToken cancellationToken)
    {
        GetObjectMetadataResponse head;
        try
        {
            head = await s3.GetObjectMetadataAsync(bucket, item.Key, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound && e.ErrorCode is not "NoSuchBucket")
        {
            return new Failure(S3Failures.Checksum, $"{item.Key} is not on the endpoint after it was completed");
        }

        if (head.ContentLength != item.Size)
        {
            return new Failure(S3Failures.Checksum, $"{item.Key} is {head.ContentLength} bytes on the endpoint, the file {item.Size}");
        }

        var etag = PartChecksum.Bare(head.ETag);
        var ordered = item.Parts.OrderBy(p => p.Number).Select(p => p.Md5).ToList();
        if (etag != PartChecksum.MultipartETag(ordered) && !(ordered.Count == 1 && etag == PartChecksum.Hex(Convert.FromBase64String(ordered[0]))))
        {
            // Servers that give a multipart object the MD5 of its bytes (s3rver, some gateways): compare with the file's.
            var stream = new FileStream(item.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                var whole = PartChecksum.Hex(await PartChecksum.Md5Async(stream, cancellationToken).ConfigureAwait(false));
                if (etag != whole)
                {
                    return new Failure(S3Failures.Checksum, $"{item.Key} has ETag {head.ETag} on the endpoint; its parts make {PartChecksum.MultipartETag(ordered)}, the file {whole}");
                }
            }
        }

        return item with
        {
            State = UploadState.Done,
            Completed = time.GetUtcNow(),
            FailureCode = null,
            FailureMessage = null,
        };
    }

    /// <summary>The file is still the one queued (there, same size, same last write time); a failure naming what changed otherwise.</summary>
    private static Failure? CheckLocalFile(QueueItem item)
    {
        var file = new FileInfo(item.LocalPath);
        if (!file.Exists)
        {
            return new Failure(S3Failures.LocalFile, $"{item.LocalPath} is gone");
        }

        if (file.Length != item.Size)
        {
            return new Failure(S3Failures.LocalFile, $"{item.LocalPath} is {file.Length} bytes now, {item.Size} when it was queued (truncated or rewritten)");
        }

        return file.LastWriteTimeUtc != item.FileModifiedUtc
            ? new Failure(S3Failures.LocalFile, $"{item.LocalPath} was rewritten after it was queued")
            : null;
    }

    private static async Task<Result<byte[]>> ReadPartAsync(QueueItem item, int number, CancellationToken cancellationToken)
    {
        var offset = (number - 1) * item.PartSize;
        var length = (int)Math.Min(item.PartSize, item.Size - offset);
        var body = new byte[length];
        try
        {
            var stream = new FileStream(item.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                stream.Position = offset;
                var read = await stream.ReadAtLeastAsync(body, length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read < length)
                {
                    return Result<byte[]>.Fail(S3Failures.LocalFile, $"{item.LocalPath} ends at {offset + read} bytes, part {number} needs {offset + length} (truncated)");
                }
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Result<byte[]>.Fail(S3Failures.LocalFile, $"{item.LocalPath} is gone");
        }

        return body;
    }
}
