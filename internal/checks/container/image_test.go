package container

import "testing"

const testDigest = "sha256:0b3f2e5b9b3cb7a3f5d3c0b5c8f0a1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8"

func TestParseImage(t *testing.T) {
	tests := []struct {
		in      string
		want    imageRef
		pinned  bool
		latest  bool
		wantErr bool
	}{
		{in: "nginx", want: imageRef{Repository: "nginx"}, latest: true},
		{in: "nginx:latest", want: imageRef{Repository: "nginx", Tag: "latest"}, latest: true},
		{in: "nginx:1.27.3", want: imageRef{Repository: "nginx", Tag: "1.27.3"}},
		{in: "nginx:Latest", want: imageRef{Repository: "nginx", Tag: "Latest"}},
		{in: "library/nginx:1.27", want: imageRef{Repository: "library/nginx", Tag: "1.27"}},
		{in: "bitnami/redis", want: imageRef{Repository: "bitnami/redis"}, latest: true},
		{in: "docker.io/library/nginx:1.27", want: imageRef{Registry: "docker.io", Repository: "library/nginx", Tag: "1.27"}},
		{in: "registry.example.com:5000/team/app", want: imageRef{Registry: "registry.example.com:5000", Repository: "team/app"}, latest: true},
		{in: "registry.example.com:5000/team/app:2.0", want: imageRef{Registry: "registry.example.com:5000", Repository: "team/app", Tag: "2.0"}},
		{in: "localhost/app:dev", want: imageRef{Registry: "localhost", Repository: "app", Tag: "dev"}},
		{in: "localhost:5000/app", want: imageRef{Registry: "localhost:5000", Repository: "app"}, latest: true},
		{in: "127.0.0.1:5000/app:1", want: imageRef{Registry: "127.0.0.1:5000", Repository: "app", Tag: "1"}},
		{in: "[::1]:5000/app:1", want: imageRef{Registry: "[::1]:5000", Repository: "app", Tag: "1"}},
		{in: "MyRegistry/app:1", want: imageRef{Registry: "MyRegistry", Repository: "app", Tag: "1"}},
		{in: "Registry.Example.com/app:1", want: imageRef{Registry: "Registry.Example.com", Repository: "app", Tag: "1"}},
		// A bare name with a colon is a tag, never a host: there is no second component.
		{in: "localhost:5000", want: imageRef{Repository: "localhost", Tag: "5000"}},
		{in: "app@" + testDigest, want: imageRef{Repository: "app", Digest: testDigest}, pinned: true},
		{in: "app:latest@" + testDigest, want: imageRef{Repository: "app", Tag: "latest", Digest: testDigest}, pinned: true},
		{in: "ghcr.io/org/app:1.2.3@" + testDigest, want: imageRef{Registry: "ghcr.io", Repository: "org/app", Tag: "1.2.3", Digest: testDigest}, pinned: true},
		{in: "registry.example.com:5000/app@" + testDigest, want: imageRef{Registry: "registry.example.com:5000", Repository: "app", Digest: testDigest}, pinned: true},

		{in: "", wantErr: true},
		{in: "Nginx", wantErr: true},
		{in: "Nginx:1.27", wantErr: true},
		{in: "docker.io/Library/nginx", wantErr: true},
		{in: "nginx:", wantErr: true},
		{in: "nginx:1.0:2.0", wantErr: true},
		{in: "nginx@", wantErr: true},
		{in: "nginx@sha256:abc", wantErr: true},
		{in: "nginx@md5:0b3f2e5b9b3cb7a3f5d3c0b5c8f0a1d2", wantErr: true},
		{in: "nginx@" + testDigest + "@" + testDigest, wantErr: true},
		{in: "@" + testDigest, wantErr: true},
		{in: " nginx", wantErr: true},
		{in: "nginx:1.27 ", wantErr: true},
		{in: "https://registry.example.com/app:1", wantErr: true},
		{in: "registry.example.com/", wantErr: true},
		{in: "nginx:tag!", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseImage(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseImage(%q) = %+v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseImage(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("parseImage(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.Pinned() != tt.pinned || got.Latest() != tt.latest {
				t.Errorf("parseImage(%q): pinned=%v latest=%v, want pinned=%v latest=%v",
					tt.in, got.Pinned(), got.Latest(), tt.pinned, tt.latest)
			}
		})
	}
}
