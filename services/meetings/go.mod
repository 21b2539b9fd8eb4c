module github.com/maillage/maillage/services/meetings

go 1.26.0
