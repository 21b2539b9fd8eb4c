module github.com/maillage/maillage/services/meetings

go 1.26.0

require (
	github.com/maillage/maillage/internal v0.0.0
	github.com/maillage/maillage/proto v0.0.0
	google.golang.org/grpc v1.85.0
)

require (
	buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go v1.36.12-20260825204119-511051f7f437.1 // indirect
	github.com/arran4/golang-ical v0.3.2
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260819154853-08b0e4226688 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/maillage/maillage/internal => ../../internal
	github.com/maillage/maillage/proto => ../../proto
)
