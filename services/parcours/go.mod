module github.com/maillage/maillage/services/parcours

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/maillage/maillage/internal v0.0.0
	github.com/maillage/maillage/proto v0.0.0
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)

replace (
	github.com/maillage/maillage/internal => ../../internal
	github.com/maillage/maillage/proto => ../../proto
)
