­
*"!

MatMul

SaveV2

	RestoreV22serveþ

saver_filenamePlaceholder


StringJoin
StringJoin
"
ShardedFilenameShardedFilename

SaveV2SaveV2
(
MergeV2CheckpointsMergeV2Checkpoints

	RestoreV2	RestoreV2

dense/MatMulMatMul

reluRelu%
#

__inference_call_1
mMatMul